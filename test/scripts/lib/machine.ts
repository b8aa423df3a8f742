// A throw-away "machine" for npm start's service lifecycle: minimal checkouts (scripts/ and
// package.json) in a temp dir, each run in a network namespace of its own (so each sees no
// PostgreSQL/Redis on 127.0.0.1 and starts its own on the usual ports), and a private
// directory bind-mounted over /tmp inside those namespaces: the machine's shared /tmp,
// where the old code kept its fallback cluster, without touching the real one.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { until } from "../../../testkit/wait";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const RUN = path.join(import.meta.dirname, "..", "fixtures", "services-run.mjs");

type Result = { ok: boolean; stdout: string; stderr: string };

function run(command: string, args: string[], cwd?: string): Result {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", env: cleanEnv(), timeout: 120_000 });
  return {
    ok: r.status === 0,
    stdout: r.stdout ?? "",
    stderr: `${r.stderr ?? ""}${r.error ?? ""}`,
  };
}

function must(command: string, args: string[], cwd?: string): Result {
  const r = run(command, args, cwd);
  if (!r.ok) throw new Error(`${command} ${args.join(" ")} failed:\n${r.stdout}${r.stderr}`);
  return r;
}

// The integration tier sets DATABASE_URL/REDIS_URL for the system servers; a checkout
// started with those would never start servers of its own.
function cleanEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? "/root",
    NODE_ENV: "development",
    NO_COLOR: "1",
  };
}

export type Running = { child: ChildProcess; databaseUrl: string; redisUrl: string };

export class Machine {
  // Not under /tmp: the namespaces' /tmp is sharedTmp, which would hide the checkouts.
  readonly base = mkdtempSync(path.join("/var/tmp", "patronus-start-test-"));
  readonly sharedTmp = path.join(this.base, "tmp");
  private namespaces: string[] = [];
  private children: ChildProcess[] = [];

  constructor(readonly pgBin: string) {
    // The postgres user must reach checkouts made reachable and the shared /tmp.
    chmodSync(this.base, 0o755);
    mkdirSync(this.sharedTmp);
    chmodSync(this.sharedTmp, 0o1777);
  }

  namespace(label: string): string {
    const name = `pst-${process.pid}-${label}`;
    must("ip", ["netns", "add", name]);
    this.namespaces.push(name);
    must("ip", ["-n", name, "link", "set", "lo", "up"]);
    return name;
  }

  /**
   * A minimal checkout. `reachable: false` puts it where the postgres OS user cannot go
   * (a 0700 directory), so its cluster must live outside the checkout.
   */
  checkout(label: string, { reachable }: { reachable: boolean }): string {
    const dir = path.join(this.base, label);
    mkdirSync(dir, { mode: reachable ? 0o755 : 0o700 });
    chmodSync(dir, reachable ? 0o755 : 0o700);
    cpSync(path.join(ROOT, "scripts"), path.join(dir, "scripts"), { recursive: true });
    cpSync(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
    return dir;
  }

  /** Command line running `argv` in namespace `ns` with the machine's /tmp mounted. */
  private inNamespace(ns: string, argv: string[]): [string, string[]] {
    const mountTmp = 'mount --bind "$0" /tmp && exec "$@"';
    return [
      "ip",
      [
        "netns",
        "exec",
        ns,
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        mountTmp,
        this.sharedTmp,
        ...argv,
      ],
    ];
  }

  exec(ns: string, argv: string[], cwd?: string): Result {
    return run(...this.inNamespace(ns, argv), cwd);
  }

  /** `npm start`'s service part in `checkout`, running until stop(). */
  async start(ns: string, checkout: string): Promise<Running> {
    const [command, args] = this.inNamespace(ns, ["node", RUN, checkout]);
    const child = spawn(command, args, {
      cwd: checkout,
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.children.push(child);
    let out = "";
    let err = "";
    child.stdout?.on("data", (d) => (out += d));
    child.stderr?.on("data", (d) => (err += d));
    const line = await until(
      `services of ${checkout} to start`,
      () => {
        if (child.exitCode !== null)
          throw new Error(`start in ${checkout} exited ${child.exitCode}:\n${out}${err}`);
        return out.split("\n").find((l) => l.startsWith("{"));
      },
      { timeoutMs: 180_000, everyMs: 100 },
    );
    const urls = JSON.parse(line) as { databaseUrl: string; redisUrl: string };
    return { child, ...urls };
  }

  /** Ctrl-C for a start(): resolves with its exit code once it has stopped what it owns. */
  async stop(running: Running): Promise<number | null> {
    const { child } = running;
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    return child.exitCode;
  }

  /** `npm start -- <flag>` in `checkout` (e.g. --services-only, --stop-services). */
  script(ns: string, checkout: string, flag: string): Result {
    return this.exec(ns, ["node", path.join(checkout, "scripts", "start.mjs"), flag], checkout);
  }

  pgAnswers(ns: string, url: string): boolean {
    const r = this.exec(ns, [
      "env",
      "PGCONNECT_TIMEOUT=5",
      path.join(this.pgBin, "psql"),
      url,
      "-w",
      "-tAc",
      "SELECT 1",
    ]);
    return r.ok && r.stdout.trim() === "1";
  }

  redisAnswers(ns: string, url: string): boolean {
    const r = this.exec(ns, ["redis-cli", "-u", url, "ping"]);
    return r.ok && r.stdout.trim() === "PONG";
  }

  /** A cluster somebody else runs, in `dataDir`, listening on 127.0.0.1:`port` in `ns`. */
  foreignCluster(ns: string, dataDir: string, port: number) {
    mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
    mkdirSync(dataDir, { mode: 0o700 });
    must("chown", ["postgres:postgres", dataDir]);
    const asPostgres = (tool: string, ...args: string[]) => {
      return ["runuser", "-u", "postgres", "--", path.join(this.pgBin, tool), ...args];
    };
    const initdb = asPostgres("initdb", "-D", dataDir, "-U", "postgres", "-A", "trust");
    must("env", initdb, "/");
    const log = path.join(dataDir, "..", "foreign.log");
    must("touch", [log]);
    must("chown", ["postgres", log]);
    const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=''`;
    const start = asPostgres("pg_ctl", "start", "-w", "-D", dataDir, "-l", log, "-o", options);
    const r = this.exec(ns, start, "/");
    if (!r.ok) throw new Error(`foreign cluster did not start:\n${r.stdout}${r.stderr}`);
  }

  /** Stops everything the machine's namespaces still run, then removes them and the files. */
  async destroy() {
    for (const child of this.children) if (child.exitCode === null) child.kill("SIGKILL");
    for (const ns of this.namespaces) await this.emptyNamespace(ns);
    for (const ns of this.namespaces) run("ip", ["netns", "del", ns]);
    rmSync(this.base, { recursive: true, force: true });
  }

  // SIGTERM first: PostgreSQL then removes its shared memory, which SIGKILL would leave.
  private async emptyNamespace(ns: string) {
    const pids = () => run("ip", ["netns", "pids", ns]).stdout.split("\n").filter(Boolean);
    const signal = (sig: string) => {
      for (const pid of pids()) run("kill", [`-${sig}`, pid]);
    };
    signal("TERM");
    try {
      await until(`namespace ${ns} to empty`, () => pids().length === 0, {
        timeoutMs: 30_000,
        everyMs: 100,
      });
    } catch {
      signal("KILL");
      await until(`namespace ${ns} to empty after SIGKILL`, () => pids().length === 0, {
        timeoutMs: 30_000,
      });
    }
  }
}
