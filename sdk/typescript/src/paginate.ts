// Lists answer `{ items, next }`; `next` is the cursor of the following page, null on the
// last. paginate() walks the pages for you.

export interface Page<T> {
  items: T[];
  next?: string | null;
}

/**
 * Every item of a list, page after page. `fetchPage` gets the cursor to send (undefined for
 * the first page) and answers a page, or an SDK call's `{ data }`:
 *
 *   for await (const site of paginate((cursor) =>
 *     patronus.GET("/orgs/{orgSlug}/sites", { params: { path: { orgSlug }, query: { cursor } } }),
 *   )) console.log(site.name);
 */
export async function* paginate<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T> | { data: Page<T> }>,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  do {
    const answer = await fetchPage(cursor);
    const page = "data" in answer ? answer.data : answer;
    yield* page.items;
    cursor = page.next ?? undefined;
    // A cursor seen before would loop forever: a server bug, reported rather than hidden.
    if (cursor !== undefined && seen.has(cursor))
      throw new Error(`paginate: cursor ${cursor} repeated`);
    if (cursor !== undefined) seen.add(cursor);
  } while (cursor !== undefined);
}

/** Every item of a list, in one array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
