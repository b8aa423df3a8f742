// Label values stay few: every value is a name from the code (a procedure of the router, a
// route's spec name, a queue, a job, an ingest channel of the registry), never a string from
// a request or a device. Anything else is "other".

/** The value put in place of a name that is not known or not name-shaped. */
export const OTHER = "other";

const NAME = /^[a-zA-Z][\w.:/-]{0,79}$/;

/**
 * A label value of a bounded set: `value` when it is in `known` (or, without `known`, when it
 * is name-shaped and not an id), else "other".
 */
export function boundedLabel(value: string | undefined, known?: ReadonlySet<string>): string {
  if (!value) return OTHER;
  if (known) return known.has(value) ? value : OTHER;
  return NAME.test(value) && !looksLikeId(value) ? value : OTHER;
}

const ID_PATTERNS = [
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, // uuid
  /(^|[^a-z0-9])c[a-z0-9]{24}($|[^a-z0-9])/, // cuid
  /(^|[^a-z0-9])[a-z0-9]{25,}($|[^a-z0-9])/i, // long random token (cuid2, nanoid…)
  /(^|_)[a-z]{2,8}_[A-Za-z0-9]{10,}/, // prefixed id (org_…, dev_…)
];

/** Whether a value looks like a row id (uuid, cuid, prefixed id): never a label value. */
export function looksLikeId(value: string): boolean {
  return ID_PATTERNS.some((p) => p.test(value));
}

/** An HTTP status as a label: the code itself (a bounded set), "other" outside 100–599. */
export const statusLabel = (status: number) =>
  Number.isInteger(status) && status >= 100 && status < 600 ? String(status) : OTHER;
