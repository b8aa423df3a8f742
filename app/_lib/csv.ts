// CSV as RFC 4180 has it (CRLF rows; a field with a comma, quote or line break is quoted,
// its quotes doubled), safe to open in a spreadsheet: a cell that starts like a formula
// (= + - @ tab CR) gets a leading apostrophe, so Excel or Sheets shows it as text instead of
// running it (CSV/formula injection, OWASP). The file starts with a UTF-8 byte order mark so
// Excel reads non-ASCII names right.

export const CSV_BOM = "\uFEFF";

export type CsvValue = string | number | boolean | Date | null | undefined;

const FORMULA = /^[=+\-@\t\r]/;

/** One cell: text as it will be shown, guarded and quoted when it needs to be. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  const text = value instanceof Date ? value.toISOString() : String(value);
  // A negative number is a number, not a formula; any other text starting so is guarded.
  const guarded = typeof value !== "number" && FORMULA.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** One row, CRLF-terminated. */
export const csvRow = (values: CsvValue[]) => `${values.map(csvCell).join(",")}\r\n`;

/**
 * A file name safe in a Content-Disposition header: letters, digits, dots, dashes and
 * underscores only, never empty or hidden.
 */
export function safeFilename(name: string) {
  const cleaned = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\w.-]+/g, "-")
    .replace(/^[.-]+|-+$/g, "")
    .slice(0, 100);
  return cleaned || "export";
}
