// A list's state lives in the URL (shareable, the back button works): its search, filters,
// sort, page size, and the cursor of the page shown with a short trail of the ones before it
// (for "Previous"; the API's cursors only go forward). Pure: the list pages and the CSV
// export read the same URL the same way.

/** How a filter's URL value becomes the list procedure's input. */
export type FilterKind =
  | "text"
  | "select"
  /** "true" | "false" → a boolean. */
  | "bool"
  /** A day (YYYY-MM-DD, UTC) → its start; `until` → the start of the day after it. */
  | "since"
  | "until";

export interface ListSpec {
  /** The columns the procedure sorts on; the first is the default. */
  sorts: readonly [string, ...string[]];
  order: "asc" | "desc";
  /** The procedure takes `q`. */
  search: boolean;
  filters: Readonly<Record<string, FilterKind>>;
}

export interface ListState {
  q: string;
  filters: Record<string, string>;
  sort: string;
  order: "asc" | "desc";
  limit: number;
  cursor?: string;
  /** Cursors of the pages before this one, oldest first ("" is the first page). */
  trail: string[];
  /** 1-based number of the page shown (for "Showing 51–100"). */
  page: number;
}

export const PAGE_SIZES = [25, 50, 100, 200] as const;
/** Pages "Previous" can step back through; past them it goes to the first page. */
const TRAIL_MAX = 8;
const FIRST = "~";
const CURSOR = /^[\w-]{1,512}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

type Get = (name: string) => string | null;

/** The state `get` (a URL's search params) names, with anything malformed left out. */
export function readListState(spec: ListSpec, get: Get): ListState {
  const sort = get("sort") ?? "";
  const order = get("order");
  const limit = Number(get("limit"));
  const cursor = get("cursor") ?? "";
  const trail = (get("trail") ?? "")
    .split(".")
    .filter((c) => c === FIRST || CURSOR.test(c))
    .map((c) => (c === FIRST ? "" : c))
    .slice(-TRAIL_MAX);
  const filters: Record<string, string> = {};
  for (const [name, kind] of Object.entries(spec.filters)) {
    const value = get(name)?.trim().slice(0, 254);
    if (value && valid(kind, value)) filters[name] = value;
  }
  return {
    q: spec.search ? (get("q") ?? "").trim().slice(0, 60) : "",
    filters,
    sort: spec.sorts.includes(sort) ? sort : spec.sorts[0],
    order: order === "asc" || order === "desc" ? order : spec.order,
    limit: (PAGE_SIZES as readonly number[]).includes(limit) ? limit : 50,
    ...(CURSOR.test(cursor)
      ? { cursor, trail, page: Math.max(2, Math.min(1e6, Math.floor(Number(get("page"))) || 2)) }
      : { cursor: undefined, trail: [], page: 1 }),
  };
}

function valid(kind: FilterKind, value: string) {
  if (kind === "bool") return value === "true" || value === "false";
  if (kind === "since" || kind === "until")
    return DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
  return true;
}

/** The procedure's input (orgSlug aside) for the filters and sort; paging is the caller's. */
export function listInput(spec: ListSpec, s: ListState) {
  const input: Record<string, unknown> = { sort: s.sort, order: s.order };
  if (s.q) input.q = s.q;
  for (const [name, value] of Object.entries(s.filters)) {
    const kind = spec.filters[name];
    if (kind === "bool") input[name] = value === "true";
    else if (kind === "since") input[name] = `${value}T00:00:00.000Z`;
    else if (kind === "until") {
      const next = new Date(`${value}T00:00:00Z`);
      next.setUTCDate(next.getUTCDate() + 1);
      input[name] = next.toISOString();
    } else input[name] = value;
  }
  return input;
}

/** True when a search or filter narrows the list (so no rows means "no match", not "none"). */
export const isFiltered = (s: ListState) => !!s.q || Object.keys(s.filters).length > 0;

/** The search params of `s` (defaults left out, so URLs stay short). */
export function toSearch(spec: ListSpec, s: ListState) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  for (const [name, value] of Object.entries(s.filters)) p.set(name, value);
  if (s.sort !== spec.sorts[0]) p.set("sort", s.sort);
  if (s.order !== spec.order) p.set("order", s.order);
  if (s.limit !== 50) p.set("limit", String(s.limit));
  if (s.cursor) {
    p.set("cursor", s.cursor);
    p.set("page", String(s.page));
    if (s.trail.length) p.set("trail", s.trail.map((c) => c || FIRST).join("."));
  }
  return p.toString();
}

/** A changed search, filter, sort or page size: back to the first page. */
export const changed = (s: ListState, change: Partial<ListState>): ListState => ({
  ...s,
  ...change,
  cursor: undefined,
  trail: [],
  page: 1,
});

/** The page after this one, its cursor `next`. */
export const forward = (s: ListState, next: string): ListState => ({
  ...s,
  cursor: next,
  trail: [...s.trail, s.cursor ?? ""].slice(-TRAIL_MAX),
  page: s.page + 1,
});

/** The page before this one (the first, past the trail's start). */
export function back(s: ListState): ListState {
  const trail = [...s.trail];
  const cursor = trail.pop();
  if (!cursor || s.page <= 2) return { ...s, cursor: undefined, trail: [], page: 1 };
  return { ...s, cursor, trail, page: s.page - 1 };
}
