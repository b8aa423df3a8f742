export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rejects when `p` takes longer than `ms`; the timer never outlives the race. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** Waits for `p` (its outcome ignored) or `ms`, whichever comes first. */
export async function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  await withTimeout(p, ms, "").catch(() => undefined);
}
