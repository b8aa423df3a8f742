// An admission gate: at most `limit` calls of a costly handler run at once in this process;
// a caller that cannot start within `waitMs` is told to come back (503 with Retry-After)
// instead of queueing behind everybody else until its client gives up, and so is one that
// finds the queue full. Admitted calls then
// finish in time even when a whole fleet arrives at once on a busy machine.
import { AppError } from "../errors";

export interface Gate {
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Calls running now and calls waiting for a slot (for tests and metrics). */
  readonly load: { active: number; waiting: number };
}

export function admissionGate(opts: {
  limit: number;
  waitMs: number;
  /** Callers that may wait for a slot; past it a caller hears "busy" at once. */
  maxWaiting?: number;
  retryAfterSeconds: number;
  what: string;
}): Gate {
  let active = 0;
  const waiting: (() => void)[] = [];
  const busy = () =>
    new AppError("SERVICE_UNAVAILABLE", `Too many ${opts.what} at once; try again in a moment`, {
      retryAfterSeconds: opts.retryAfterSeconds,
    });

  const acquire = () =>
    new Promise<void>((resolve, reject) => {
      if (active < opts.limit) {
        active++;
        resolve();
        return;
      }
      if (waiting.length >= (opts.maxWaiting ?? Number.POSITIVE_INFINITY)) {
        reject(busy());
        return;
      }
      const admit = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const i = waiting.indexOf(admit);
        if (i >= 0) waiting.splice(i, 1);
        reject(busy());
      }, opts.waitMs);
      waiting.push(admit);
    });

  // A finished call hands its slot to the first waiter (active stays the same).
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };

  return {
    async run(fn) {
      await acquire();
      try {
        return await fn();
      } finally {
        release();
      }
    },
    get load() {
      return { active, waiting: waiting.length };
    },
  };
}
