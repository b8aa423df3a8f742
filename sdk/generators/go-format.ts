// The two things gofmt would change in generated Go, done the way gofmt does them, so the
// generator's output is gofmt-clean without running Go (the drift test compares bytes).

/**
 * Aligns consecutive rows of cells (struct fields: name, type, tag; constants: name, type,
 * "= value") as gofmt's tabwriter does: each cell but the last padded with spaces to its
 * column's widest cell plus one. A block is a run of rows with nothing between them; the
 * caller starts a new block at a comment or a blank line, as gofmt does.
 */
export function alignColumns(rows: string[][]): string[] {
  const width = (s: string) => [...s].length;
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 0, width(cell));
    });
  return rows.map((row) =>
    row
      .map((cell, i) =>
        i < row.length - 1 ? cell + " ".repeat((widths[i] ?? 0) - width(cell) + 1) : cell,
      )
      .join(""),
  );
}

/**
 * A one-line `//` comment: whitespace collapsed, so Go 1.19's doc-comment reformatting
 * (lists, code blocks, headings) has nothing to act on.
 */
export function goComment(prefix: string, text: string, indent: string): string {
  const line = text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[-*#+>\d.]+\s*/, "");
  return `${indent}// ${prefix}${line}`;
}
