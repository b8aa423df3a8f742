/**
 * Waits for `work` at most `ms`, whatever its outcome; the work itself goes on. For what a
 * request does after its commit over the network (a publish to the fleet broker): the
 * committed rows are the durable part, and what is missed is done again later (devices
 * get what is pending when they come back online), so no answer waits for an outage.
 */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** How long a request waits for the fleet broker after its commit. */
export const BROKER_AFTER_COMMIT_MS = 1_000;
