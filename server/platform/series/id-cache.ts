// A per-process cache of series ids (`series.id` by org and series key), so that a batch of
// points whose series are all known goes in one statement, without the dictionary lookup.
// Safe because a series row never changes its id or key, and because it is only a hint:
// the write checks every cached id against `series` (same org, same device, the device
// active) in the statement that uses it, and an id that fails (a series deleted, a
// transaction that created it rolled back) is dropped and resolved again. Keyed by org, so
// one org's key never finds another's id. Bounded: least recently used entries go first.
// Nothing in it must be shared: each process (and each replica) fills its own.

/** About 300 bytes an entry: some 15 MB when full. */
export const SERIES_ID_CACHE_MAX = 50_000;

export class SeriesIdCache {
  private readonly ids = new Map<string, bigint>();

  constructor(readonly max = SERIES_ID_CACHE_MAX) {}

  private static entry(orgId: string, key: string) {
    return `${orgId}\u0000${key}`;
  }

  get(orgId: string, key: string): bigint | undefined {
    const entry = SeriesIdCache.entry(orgId, key);
    const id = this.ids.get(entry);
    if (id !== undefined) {
      // Map keeps insertion order: re-inserting makes it the most recently used.
      this.ids.delete(entry);
      this.ids.set(entry, id);
    }
    return id;
  }

  set(orgId: string, key: string, id: bigint) {
    const entry = SeriesIdCache.entry(orgId, key);
    this.ids.delete(entry);
    this.ids.set(entry, id);
    while (this.ids.size > this.max) {
      const oldest = this.ids.keys().next().value as string;
      this.ids.delete(oldest);
    }
  }

  delete(orgId: string, key: string) {
    this.ids.delete(SeriesIdCache.entry(orgId, key));
  }

  get size() {
    return this.ids.size;
  }

  clear() {
    this.ids.clear();
  }
}

/** The process's cache, used by writeSeriesPoints unless told otherwise. */
export const seriesIdCache = new SeriesIdCache();
