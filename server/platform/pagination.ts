// Cursor pagination for every list of the API: the same input (`limit`, `cursor`, `sort`,
// `order`) and the same answer (`{ items, next }`) on each, in tRPC and REST alike. A cursor
// is opaque to clients: the sort value and id of the last item seen, so a page never skips
// or repeats a row when rows are added or removed between calls (keyset, not offset).
import { z } from "zod";
import { zText } from "../../protocol/text";
import { AppError } from "./errors";

export const PAGE_DEFAULT = 50;
/** The longest page a list answers: the portal's pickers ask for that many. */
export const PAGE_MAX = 500;

const ZCursor = zText()
  .max(512)
  .regex(/^[\w-]+$/, "not a cursor this API gave out");

/**
 * The paging fields of a list's input. `sorts` are the fields a client may sort on (the
 * first is the default); each must be a column of the listed rows.
 */
export function pageInput<const S extends readonly [string, ...string[]]>(sorts: S) {
  return {
    limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(PAGE_DEFAULT),
    cursor: ZCursor.optional(),
    sort: z.enum(sorts).default(sorts[0] as S[0]),
    order: z.enum(["asc", "desc"]).default("asc"),
  };
}

export interface PageQuery {
  limit: number;
  cursor?: string;
  sort: string;
  order: "asc" | "desc";
}

/**
 * A page of `item`: `next` is the cursor of the following page, null on the last; `total`,
 * when the list counts, is how many rows match the filters on every page together.
 */
export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next: zText().nullable(),
    total: z.number().int().nonnegative().optional(),
  });
}

type SortValue = string | number | Date | null;
type Position = { value: SortValue; id: string };

function encode(value: SortValue, id: string) {
  const v = value instanceof Date ? { d: value.toISOString() } : { v: value };
  return Buffer.from(JSON.stringify([v, id])).toString("base64url");
}

function decode(cursor: string): Position {
  const bad = () => new AppError("BAD_REQUEST", "cursor: not a cursor this API gave out");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  const ok = z
    .tuple([
      z.union([
        z.object({ d: z.iso.datetime() }),
        z.object({ v: z.union([zText().max(256), z.number(), z.null()]) }),
      ]),
      zText().min(1).max(64),
    ])
    .safeParse(parsed);
  if (!ok.success) throw bad();
  const [v, id] = ok.data;
  return { value: "d" in v ? new Date(v.d) : v.v, id };
}

/**
 * Prisma arguments of one keyset page over rows with an `id`: the filter past the cursor,
 * the order (the sort field, then id to break ties) and one row more than the page, which
 * tells whether another page follows. Pass the rows fetched to `pageOf`. `nullable`: the
 * sort column may hold nulls.
 */
export function keysetArgs(q: PageQuery, opts: { nullable?: boolean } = {}) {
  const orderBy = [{ [q.sort]: q.order }, { id: q.order }];
  if (!q.cursor) return { orderBy, take: q.limit + 1 };
  const at = decode(q.cursor);
  const asc = q.order === "asc";
  const past = asc ? "gt" : "lt";
  // PostgreSQL sorts nulls last going up and first going down: past a null, only nulls with
  // a later id (going up) or every non-null row (going down); past a value, the nulls come
  // after the values going up.
  const where =
    at.value === null
      ? asc
        ? { [q.sort]: null, id: { [past]: at.id } }
        : { OR: [{ [q.sort]: { not: null } }, { [q.sort]: null, id: { [past]: at.id } }] }
      : {
          OR: [
            { [q.sort]: { [past]: at.value } },
            { [q.sort]: at.value, id: { [past]: at.id } },
            // Prisma refuses a null test on a required column: only where nulls can be.
            ...(asc && opts.nullable ? [{ [q.sort]: null }] : []),
          ],
        };
  return { where, orderBy, take: q.limit + 1 };
}

/**
 * The page of rows fetched with `keysetArgs` (at most limit + 1 of them), mapped by `view`;
 * `total`: the rows matching the same filters, counted in the same transaction.
 */
export function pageOf<R extends { id: string }, V>(
  rows: R[],
  q: PageQuery,
  view: (row: R) => V,
  total?: number,
): { items: V[]; next: string | null; total?: number } {
  const more = rows.length > q.limit;
  const kept = more ? rows.slice(0, q.limit) : rows;
  const last = kept.at(-1);
  const next =
    more && last ? encode((last as Record<string, unknown>)[q.sort] as SortValue, last.id) : null;
  return { items: kept.map(view), next, ...(total === undefined ? {} : { total }) };
}

/** Orders like PostgreSQL: a null is greater than every value (last going up). */
function compare(a: SortValue, b: SortValue) {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A page of a list already in memory (short lists: an org's SLA classes, its members), with
 * the same cursors as the keyset pages: sorted by the sort field, then id.
 */
export function pageInMemory<V extends { id: string }>(items: V[], q: PageQuery) {
  const sortValueOf = (item: V) => ((item as Record<string, unknown>)[q.sort] ?? null) as SortValue;
  const sign = q.order === "asc" ? 1 : -1;
  const sorted = [...items].sort(
    (a, b) => sign * (compare(sortValueOf(a), sortValueOf(b)) || compare(a.id, b.id)),
  );
  const at = q.cursor ? decode(q.cursor) : null;
  const start = at
    ? sorted.findIndex(
        (i) => sign * (compare(sortValueOf(i), at.value) || compare(i.id, at.id)) > 0,
      )
    : 0;
  const rest = start < 0 ? [] : sorted.slice(start, start + q.limit + 1);
  return pageOf(rest, q, (i) => i, items.length);
}
