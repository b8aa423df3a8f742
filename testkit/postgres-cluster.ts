// PostgreSQL clusters of a test's own: a primary made with initdb and streaming replicas
// of it made with `pg_basebackup -R`, each on a free loopback port, with its data in a
// temporary directory. The machine's shared server is never touched: its pg_hba.conf
// allows no replication connections and changing that would need its owner's reload, and
// a test that stops a server must own it.
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "../server/domains/fleet/broker/mosquitto";
import { onPath } from "./skip";

const run = promisify(execFile);

/** A /usr/lib/postgresql/<v>/bin with the tools a cluster needs (Debian layout), newest first. */
export function pgBinDir(tools = ["initdb", "pg_ctl", "psql"]): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const dirs = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(root, v, "bin"));
  return dirs.find((d) => tools.every((t) => existsSync(path.join(d, t)))) ?? null;
}

const TOOLS = ["initdb", "pg_ctl", "postgres", "pg_basebackup"];

/** The OS user the servers run as: PostgreSQL refuses root, so root runs them as `postgres`. */
async function serverUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const id = async (flag: string) => Number((await run("id", [flag, "postgres"])).stdout);
  return { uid: await id("-u"), gid: await id("-g") };
}

/** Why clusters of a test's own cannot run here, or null. */
export async function pgClusterSkipReason(): Promise<string | null> {
  if (!pgBinDir(TOOLS))
    return `needs PostgreSQL's ${TOOLS.join(", ")} (apt-get install postgresql)`;
  if (process.getuid?.() === 0) {
    if (!onPath("runuser")) return "needs runuser (util-linux) to run PostgreSQL as root";
    if (!(await serverUser().catch(() => null))) return "needs a postgres OS user when root";
  }
  return null;
}

/** One running (or stopped) cluster. Stop and remove every one with destroy(). */
export class PgCluster {
  private running = false;

  private constructor(
    private readonly bin: string,
    private readonly user: { uid: number; gid: number } | null,
    /** Parent directory of this cluster's data directory and log; removed by destroy(). */
    private readonly base: string,
    readonly port: number,
    readonly standby: boolean,
  ) {}

  private get dataDir() {
    return path.join(this.base, this.standby ? "replica" : "primary");
  }

  /** A new primary with the default trust authentication for local TCP and replication. */
  static async primary(): Promise<PgCluster> {
    const bin = pgBinDir(TOOLS);
    if (!bin) throw new Error((await pgClusterSkipReason()) ?? "no PostgreSQL binaries");
    const user = await serverUser();
    const cluster = new PgCluster(bin, user, makeBase(user), await freePort(), false);
    try {
      // initdb's pg_hba.conf trusts replication from 127.0.0.1 with -A trust.
      await cluster.tool("initdb", [
        ...["-D", cluster.dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"],
      ]);
      await cluster.start();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** A hot standby of this primary, streaming from it, in its own directory and port. */
  async replica(): Promise<PgCluster> {
    if (this.standby) throw new Error("make replicas of the primary");
    const replica = new PgCluster(this.bin, this.user, makeBase(this.user), await freePort(), true);
    try {
      // -R writes standby.signal and primary_conninfo; -X stream copies the WAL the backup
      // needs while it runs, so the standby starts consistent.
      await replica.tool("pg_basebackup", [
        ...["-h", "127.0.0.1", "-p", String(this.port), "-U", "postgres"],
        ...["-D", replica.dataDir, "-R", "-X", "stream", "-c", "fast"],
      ]);
      await replica.start();
    } catch (error) {
      await replica.destroy();
      throw error;
    }
    return replica;
  }

  /** A connection URL of `database` as `user` (trust authentication: no password). */
  url(database = "postgres", user = "postgres") {
    return `postgresql://${user}@127.0.0.1:${this.port}/${database}`;
  }

  /** Runs SQL as the superuser (e.g. pg_wal_replay_pause() on a standby). */
  async sql<R extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values: unknown[] = [],
    database = "postgres",
  ): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** Starts it (again) on its port and waits until it accepts connections. */
  async start() {
    if (this.running) return;
    // The options are passed at each start, so a standby copied from the primary's
    // postgresql.conf still listens on its own port. No Unix socket: TCP on loopback only.
    const options = [
      "-c listen_addresses=127.0.0.1",
      `-c port=${this.port}`,
      "-c unix_socket_directories=''",
      "-c wal_level=replica",
      "-c max_wal_senders=5",
      "-c hot_standby=on",
      // A throw-away cluster: durability is not what is tested.
      "-c fsync=off",
      "-c full_page_writes=off",
    ].join(" ");
    const log = path.join(this.base, `${path.basename(this.dataDir)}.log`);
    await this.tool("pg_ctl", [
      "start",
      "-w",
      "-t",
      "60",
      "-D",
      this.dataDir,
      "-l",
      log,
      "-o",
      options,
    ]);
    this.running = true;
  }

  /** `immediate` is a crash (an outage); `fast` a clean shutdown. */
  async stop(mode: "immediate" | "fast" = "immediate") {
    if (!this.running) return;
    await this.tool("pg_ctl", ["stop", "-w", "-t", "60", "-D", this.dataDir, "-m", mode]);
    this.running = false;
  }

  /** Stops it if running and removes its directory. Safe to call twice. */
  async destroy() {
    try {
      await this.stop();
    } catch (error) {
      // pg_ctl could not stop it: end the postmaster itself (SIGQUIT is the immediate
      // shutdown) rather than leave a server running on a removed directory.
      const pid = postmasterPid(this.dataDir);
      if (pid) process.kill(pid, "SIGQUIT");
      throw error;
    } finally {
      rmSync(this.base, { recursive: true, force: true });
    }
  }

  private async tool(name: string, args: string[]) {
    const file = path.join(this.bin, name);
    const [command, argv] = this.user
      ? ["runuser", ["-u", "postgres", "--", file, ...args]]
      : [file, args];
    // cwd "/": runuser keeps our working directory, which postgres may not be allowed to enter.
    try {
      return await run(command, argv, { cwd: "/", timeout: 120_000 });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${name} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
  }
}

function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** A temporary directory the server's OS user owns (root's 0700 one would keep it out). */
function makeBase(user: { uid: number; gid: number } | null) {
  const base = mkdtempSync(path.join(tmpdir(), "patronus-pg-test-"));
  if (user) chownSync(base, user.uid, user.gid);
  return base;
}
