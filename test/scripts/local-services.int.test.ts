// `npm start` stops only the PostgreSQL/Redis it started or adopted for its own checkout
// (issue 20, item 8). Checkouts run side by side in network namespaces, sharing one /tmp
// as checkouts on one machine do; see lib/machine.ts.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pgBinDir } from "../../testkit/postgres-cluster";
import { rootSkipReason } from "../../testkit/skip";
import { waitFor } from "../../testkit/wait";
import { Machine } from "./lib/machine";

const PG_BIN = pgBinDir();
const skip =
  rootSkipReason({ tools: ["unshare", "runuser", "redis-server", "redis-cli"] }) ??
  (PG_BIN ? null : "needs PostgreSQL's initdb, pg_ctl and psql (/usr/lib/postgresql/*/bin)");

let machine: Machine | undefined;

function newMachine() {
  machine = new Machine(PG_BIN as string);
  return machine;
}

afterEach(async () => {
  await machine?.destroy();
  machine = undefined;
});

const gone = (what: string, probe: () => boolean) =>
  waitFor(
    what,
    async () => probe(),
    (up) => !up,
    60_000,
  );

describe.skipIf(skip)("npm start's local services belong to their checkout", () => {
  it("two checkouts started side by side stop independently", { timeout: 600_000 }, async () => {
    const m = newMachine();
    // B's checkout is out of the postgres user's reach, so its cluster lives outside it:
    // the old code put that in /tmp/patronus-pg-<uid>, a directory A's shutdown also stopped.
    const [nsA, nsB] = [m.namespace("a"), m.namespace("b")];
    const a = m.checkout("a", { reachable: true });
    const b = m.checkout("b", { reachable: false });

    const runA = await m.start(nsA, a);
    const runB = await m.start(nsB, b);
    expect(m.pgAnswers(nsA, runA.databaseUrl)).toBe(true);
    expect(m.pgAnswers(nsB, runB.databaseUrl)).toBe(true);

    expect(await m.stop(runA)).toBe(0);
    await gone("A's PostgreSQL to stop", () => m.pgAnswers(nsA, runA.databaseUrl));
    await gone("A's Redis to stop", () => m.redisAnswers(nsA, runA.redisUrl));
    expect(m.pgAnswers(nsB, runB.databaseUrl)).toBe(true);
    expect(m.redisAnswers(nsB, runB.redisUrl)).toBe(true);

    expect(await m.stop(runB)).toBe(0);
    await gone("B's PostgreSQL to stop", () => m.pgAnswers(nsB, runB.databaseUrl));
    await gone("B's Redis to stop", () => m.redisAnswers(nsB, runB.redisUrl));
  });

  it("leaves alone what it did not start: another's cluster in the old /tmp fallback, a system Redis", {
    timeout: 600_000,
  }, async () => {
    const m = newMachine();
    const [ns, nsOther] = [m.namespace("c"), m.namespace("other")];
    const c = m.checkout("c", { reachable: true });
    // A Redis on the standard port counts as the system's: used, never stopped.
    const systemRedis = m.exec(ns, [
      "redis-server",
      "--bind",
      "127.0.0.1",
      "--port",
      "6379",
      "--save",
      "",
      "--daemonize",
      "yes",
    ]);
    expect(systemRedis.ok, systemRedis.stderr).toBe(true);
    await waitFor(
      "the system Redis",
      async () => m.redisAnswers(ns, "redis://127.0.0.1:6379"),
      Boolean,
    );

    const started = m.script(ns, c, "--services-only");
    expect(started.ok, started.stderr).toBe(true);
    const env = Object.fromEntries(
      started.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(/=(.*)/s)),
    );
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(m.pgAnswers(ns, env.DATABASE_URL)).toBe(true);

    // Another checkout's cluster where the old code kept its machine-wide fallback.
    const otherUrl = "postgresql://postgres@127.0.0.1:54329/postgres";
    m.foreignCluster(
      nsOther,
      path.join(m.sharedTmp, `patronus-pg-${process.getuid?.()}`, "data"),
      54329,
    );
    expect(m.pgAnswers(nsOther, otherUrl)).toBe(true);

    const stopped = m.script(ns, c, "--stop-services");
    expect(stopped.ok, stopped.stderr).toBe(true);
    await gone("C's PostgreSQL to stop", () => m.pgAnswers(ns, env.DATABASE_URL));
    expect(m.pgAnswers(nsOther, otherUrl)).toBe(true);
    expect(m.redisAnswers(ns, "redis://127.0.0.1:6379")).toBe(true);
  });

  it("after a crash: adopts the servers its record names, drops a record whose pid is not theirs", {
    timeout: 600_000,
  }, async () => {
    const m = newMachine();
    const ns = m.namespace("d");
    const d = m.checkout("d", { reachable: false });
    const record = path.join(d, ".data", "services.json");
    const readRecord = () => JSON.parse(readFileSync(record, "utf8"));

    const crashed = await m.start(ns, d);
    const before = readRecord();
    crashed.child.kill("SIGKILL");
    await waitFor(
      "the run to die",
      async () => crashed.child.exitCode ?? crashed.child.signalCode,
      Boolean,
    );
    expect(m.pgAnswers(ns, crashed.databaseUrl)).toBe(true);

    const next = await m.start(ns, d);
    expect(readRecord()).toEqual(before);
    expect(await m.stop(next)).toBe(0);
    await gone("the adopted PostgreSQL to stop", () => m.pgAnswers(ns, next.databaseUrl));
    await gone("the adopted Redis to stop", () => m.redisAnswers(ns, next.redisUrl));
    expect(existsSync(record)).toBe(false);

    // The recorded pids now belong to some other program: it must survive, the record not.
    const stranger = spawn("sleep", ["600"], { stdio: "ignore" });
    const strangerExit = new Promise((resolve) => stranger.once("exit", resolve));
    try {
      writeFileSync(
        record,
        JSON.stringify({
          postgres: { ...before.postgres, pid: stranger.pid },
          redis: { ...before.redis, pid: stranger.pid },
        }),
      );
      const stopped = m.script(ns, d, "--stop-services");
      expect(stopped.ok, stopped.stderr).toBe(true);
      expect(stranger.exitCode).toBeNull();
      expect(existsSync(record)).toBe(false);
    } finally {
      stranger.kill("SIGKILL");
      await strangerExit;
    }

    // A record whose servers died with the machine: dropped, and fresh servers start.
    writeFileSync(record, JSON.stringify(before));
    const fresh = await m.start(ns, d);
    expect(readRecord().postgres.pid).not.toBe(before.postgres.pid);
    expect(m.pgAnswers(ns, fresh.databaseUrl)).toBe(true);
    expect(await m.stop(fresh)).toBe(0);
    expect(existsSync(record)).toBe(false);
  });
});
