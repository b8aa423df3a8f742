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
