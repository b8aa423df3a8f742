export { median, table } from "../dataplane/stats";

/** Nearest-rank percentile: p99 of 100 values is the 99th smallest. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true; a timeout names what was awaited and the last state. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  opts: { everyMs?: number; detail?: () => string | Promise<string> } = {},
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      const detail = opts.detail ? ` (${await opts.detail()})` : "";
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${detail}`,
      );
    }
    await sleep(opts.everyMs ?? 50);
  }
}

/** Rejects with a clear message when `p` takes longer than `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
