// Investigation aid (--pg-waits): samples pg_stat_activity of the benchmark's database
// every 20 ms while a change is measured and counts what each busy backend was doing:
// on CPU (no wait event), waiting for a lock, for I/O, for WAL... per statement kind.
import pg from "pg";

export class PgWaits {
  private counts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  private constructor(
    private readonly client: pg.Client,
    private readonly database: string,
  ) {}

  static async connect(ownerUrl: string, database: string) {
    const client = new pg.Client({ connectionString: ownerUrl });
    await client.connect();
    return new PgWaits(client, database);
  }

  start() {
    this.counts.clear();
    this.timer = setInterval(() => void this.sample(), 20);
  }

  private async sample() {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await this.client.query<{ w: string | null; q: string }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w,
                left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS q
         FROM pg_stat_activity
         WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
        [this.database],
      );
      for (const r of rows) {
        const key = `${r.w}  ${r.q}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      }
    } finally {
      this.busy = false;
    }
  }

  /** Stops sampling; returns "samples  wait  statement" lines, most frequent first. */
  stop(top = 12): string {
    clearInterval(this.timer);
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `    ${String(v).padStart(5)}  ${k}`)
      .join("\n");
  }

  close() {
    return this.client.end();
  }
}
