// A client that keeps reading one endpoint, one request at a time, and records each
// request's outcome with when it started and ended: what a test asks of a service that
// must keep answering while parts of it are killed.
export interface Poll {
  startedAt: number;
  endedAt: number;
  /** The HTTP status, or the network error's message. */
  outcome: number | string;
}

export const pollOk = (p: Poll) => typeof p.outcome === "number" && p.outcome < 400;

export class HttpPoller {
  readonly polls: Poll[] = [];
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
  ) {
    this.done = this.loop();
  }

  private async loop() {
    while (!this.stopped) {
      const startedAt = Date.now();
      let outcome: number | string;
      try {
        const res = await fetch(this.url, {
          headers: this.headers,
          signal: AbortSignal.timeout(30_000),
        });
        await res.arrayBuffer();
        outcome = res.status;
      } catch (error) {
        const e = error as Error & { cause?: Error };
        outcome = `${e.message}${e.cause ? `: ${e.cause.message}` : ""}`;
      }
      this.polls.push({ startedAt, endedAt: Date.now(), outcome });
      // A breath between requests, so the poller measures the service, not the loop.
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Requests that began at or after `t` (epoch ms). */
  since(t: number) {
    return this.polls.filter((p) => p.startedAt >= t);
  }

  async stop() {
    this.stopped = true;
    await this.done;
  }
}
