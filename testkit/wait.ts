// Bounded waits: poll until a condition holds or a deadline passes, and fail with what was
// awaited and what was last seen. Tests never assert on time; a deadline only turns a hang
// into a readable failure, so it is generous (a loaded CI machine runs 2-3x slower).
export const DEADLINE_MS = 30_000;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something truthy, and returns that. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  o: { timeoutMs?: number; everyMs?: number; seen?: () => unknown } = {},
): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? DEADLINE_MS);
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      const seen = o.seen ? `; last seen: ${JSON.stringify(await o.seen(), null, 1)}` : "";
      throw new Error(`timed out waiting for ${what}${seen}`);
    }
    await sleep(o.everyMs ?? 50);
  }
}

/** Polls `probe` until `ok` accepts its value (which may be falsy), and returns the value. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  let last: T | undefined;
  const hit = await until(
    what,
    async () => {
      last = await probe();
      return ok(last) ? { value: last } : undefined;
    },
    { timeoutMs, seen: () => last },
  );
  return hit.value;
}
