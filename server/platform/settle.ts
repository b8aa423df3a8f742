/**
 * Waits for `work` at most `ms`, whatever its outcome; the work itself goes on. For what a
 * request does after its commit over the network (a publish to the fleet broker): the
 * committed rows are the durable part, and what is missed is done again later (devices
 * get what is pending when they come back online), so no answer waits for an outage.
 */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  await withTimeout(work, ms, () => new Error("timed out")).catch(() => undefined);
}

/**
 * `work`'s outcome, or `timeoutError()` once `ms` pass first; the work goes on, and a late
 * failure of it is not an unhandled rejection.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, timeoutError: () => Error) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), ms);
  });
  work.catch(() => {});
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** How long a request waits for the fleet broker after its commit. */
export const BROKER_AFTER_COMMIT_MS = 1_000;
