// Words and cases shared by the generators. A name is kept as its words ("site", "list",
// "response") so each language can spell it its own way (Python SiteListResponse and
// site_list, Go SiteListResponse and APIKeyList) from the same stable source.

/** "slaClass.create" → ["sla", "class", "create"]; "IPv4 address" → ["i", "pv4", ...]. */
export function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

export const pascal = (words: string[]) => words.map(cap).join("");
export const camel = (words: string[]) => words.map((w, i) => (i === 0 ? w : cap(w))).join("");
export const snake = (words: string[]) => words.join("_");

/** The element of a list named `words`: "items" → "item", "policies" → "policy". */
export function singular(words: string[]): string[] {
  const last = words.at(-1) ?? "";
  const head = words.slice(0, -1);
  if (/ies$/.test(last) && last.length > 3) return [...head, `${last.slice(0, -3)}y`];
  if (/(ss|x|ch|sh)es$/.test(last)) return [...head, last.slice(0, -2)];
  if (/[^su]s$/.test(last)) return [...head, last.slice(0, -1)];
  return [...words, "item"];
}

/** Makes `name` unique in `taken` with a numeric suffix, and records it. */
export function unique(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}${n}`;
  taken.add(candidate);
  return candidate;
}
