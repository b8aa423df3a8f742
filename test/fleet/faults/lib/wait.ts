// Bounded waits for fault tests: poll until a condition holds or a deadline passes, and
// fail with what was awaited and what was last seen. Tests never assert on time; a
// deadline only turns a hang into a readable failure.
export const DEADLINE_MS = 30_000;

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
    await new Promise((r) => setTimeout(r, o.everyMs ?? 50));
  }
}

/** Runs registered clean-ups in reverse order; every one runs even if another fails. */
export class Cleanups {
  private fns: (() => Promise<unknown> | unknown)[] = [];

  add(fn: () => Promise<unknown> | unknown) {
    this.fns.push(fn);
  }

  async run() {
    const errors: unknown[] = [];
    for (const fn of this.fns.splice(0).reverse()) {
      try {
        await fn();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length) throw new AggregateError(errors, "clean-up failed");
  }
}
