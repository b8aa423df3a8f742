// Group commit: concurrent calls that would each run the same short, contended transaction
// (enrollments on one token: its row and the org's quota lock) are gathered per key and
// committed together, so the contended part runs once per batch instead of once per call.
// A batch starts after `gatherMs` or as soon as `maxItems` wait. At most `maxInFlight`
// batches of a key run at once (their uncontended parts overlap; the contended statements
// queue in the database); the calls arriving meanwhile gather into the next batch, so under
// load batches grow by themselves. Each caller still gets its own outcome: the commit
// function answers item by item.
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiter<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

interface KeyState<I, R> {
  queue: Waiter<I, R>[];
  inFlight: number;
  timer?: NodeJS.Timeout;
}

export interface CommitBatcher<I, R> {
  submit(key: string, item: I): Promise<R>;
  /** Keys with calls gathering or committing (for tests and metrics). */
  readonly pendingKeys: number;
}

export function commitBatcher<I, R>(opts: {
  maxItems: number;
  gatherMs: number;
  maxInFlight: number;
  /** Commits the items of one key; answers one outcome per item, in order. */
  commit: (key: string, items: I[]) => Promise<Outcome<R>[]>;
}): CommitBatcher<I, R> {
  const keys = new Map<string, KeyState<I, R>>();

  async function flush(key: string, state: KeyState<I, R>) {
    clearTimeout(state.timer);
    state.timer = undefined;
    state.inFlight++;
    const batch = state.queue.splice(0, opts.maxItems);
    try {
      const outcomes = await opts.commit(
        key,
        batch.map((w) => w.item),
      );
      batch.forEach((w, i) => {
        const o = outcomes[i];
        if (!o) w.reject(new Error("commit batch answered fewer outcomes than items"));
        else if (o.ok) w.resolve(o.value);
        else w.reject(o.error);
      });
    } catch (error) {
      // The whole batch failed (e.g. the database is busy): every caller hears why.
      for (const w of batch) w.reject(error);
    } finally {
      state.inFlight--;
      // What gathered meanwhile has waited a whole commit already: go at once.
      if (state.queue.length > 0) void flush(key, state);
      else if (state.inFlight === 0) keys.delete(key);
    }
  }

  return {
    submit(key, item) {
      return new Promise<R>((resolve, reject) => {
        let state = keys.get(key);
        if (!state) {
          state = { queue: [], inFlight: 0 };
          keys.set(key, state);
        }
        state.queue.push({ item, resolve, reject });
        if (state.inFlight >= opts.maxInFlight) return;
        const s = state;
        if (s.queue.length >= opts.maxItems) void flush(key, s);
        else s.timer ??= setTimeout(() => void flush(key, s), opts.gatherMs);
      });
    },
    get pendingKeys() {
      return keys.size;
    },
  };
}
