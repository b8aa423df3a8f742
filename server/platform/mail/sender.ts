// The sender's display name goes into a mail header (From: "Name" <address>): it must not
// be able to start a new header or break out of the quoted name.

export const SENDER_NAME_MAX = 60;
/** Line breaks start a new header; quotes, angle brackets and backslashes break the quoting. */
const UNSAFE = /[\r\n"<>\\]/;

export const senderNameProblem = (name: string) =>
  UNSAFE.test(name)
    ? "Leave out line breaks, quotes, backslashes and angle brackets (the name goes into a mail header)"
    : undefined;

/** `name` as it may appear in a header: line breaks made spaces, other unsafe characters dropped. */
export function headerSafeName(name: string): string {
  return name
    .replace(/[\r\n]+/g, " ")
    .replace(/["<>\\]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, SENDER_NAME_MAX);
}

/** The From header: `"name" <address of mailFrom>`; without a usable name, mailFrom as is. */
export function fromHeader(name: string | null | undefined, mailFrom: string): string {
  const safe = name ? headerSafeName(name) : "";
  if (!safe) return mailFrom;
  const address = /<([^<>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom.trim();
  return `"${safe}" <${address}>`;
}
