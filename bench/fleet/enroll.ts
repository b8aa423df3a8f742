// Enrollment throughput of ONE org on ONE token: `npm run bench:enroll -- [--devices 2000]
// [--concurrency 64] [--rounds 3] [--baseline-ref daa87bd] [--no-baseline]`. N boxes (a real
// P-256 key and CSR each, made before the clock starts) enroll over HTTP against the
// enrollment endpoint running as its own process, with billing on (a Stripe stand-in; the
// org's plan allows every device) and the fleet's control plane around it (the embedded
// broker, the workers). A box told "busy" (503) comes back after Retry-After, as the agent does.
// Side by side, round by round: this checkout and the baseline — the code of
// `--baseline-ref` (default: the last commit before the fast paths and the group commit)
// exported with `git archive` into a temp dir. (--profile DIR: a CPU profile
// of each endpoint per round.) Prints devices/s (median
// and worst round), per-device latency, 503 and 5xx counts, the endpoint's CPU per device
// and the machine's load. Everything it starts or creates is removed at the end.

import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createDeviceKey } from "../../protocol/crypto/device-key";
import { freePort } from "../../server/platform/free-port";
import { type BenchEnv, createBenchEnv } from "./bench-env";
import { type BrokerPorts, brokerUrls } from "./broker-ports";
import { cleanup, track, trackEnv } from "./lifecycle";
import { cpuMs, spawnTs, type TsProcess } from "./procs";
import { median, percentile, sleep, table, waitFor } from "./stats";

const { values: flags } = parseArgs({
  options: {
    devices: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "64" },
    rounds: { type: "string", default: "3" },
    /** The last commit before the enrollment fast paths and group commit. */
    "baseline-ref": { type: "string", default: "daa87bd" },
    "no-baseline": { type: "boolean", default: false },
    /** CPU profiles of the endpoints, one per round (investigation; see profile-hook.ts). */
    profile: { type: "string" },
  },
});
const N = Number(flags.devices);
const CONCURRENCY = Number(flags.concurrency);
const ROUNDS = Number(flags.rounds);
if (![N, CONCURRENCY, ROUNDS].every((x) => Number.isInteger(x) && x > 0) || N > 10_000)
  throw new Error("--devices (1..10000), --concurrency and --rounds: positive whole numbers");

const HERE = fileURLToPath(new URL(".", import.meta.url));
const REPO = resolve(HERE, "../..");
const SERVER = join(HERE, "enroll-server.ts");
const log = (line: string) => console.log(line);

let benchEnv: BenchEnv | undefined;

// --- the two builds -----------------------------------------------------------------
/** The baseline's code in a temp dir, sharing this checkout's node_modules and Prisma client. */
function exportBaseline(ref: string) {
  const commit = execFileSync("git", ["-C", REPO, "rev-parse", "--short", ref], {
    encoding: "utf8",
  }).trim();
  const dir = mkdtempSync(join(tmpdir(), "patronus-enroll-baseline-"));
  benchEnv?.dirs.push(dir);
  execFileSync("sh", ["-c", 'git -C "$1" archive "$2" | tar -x -C "$3"', "sh", REPO, commit, dir]);
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  const generated = "server/platform/db/generated";
  symlinkSync(join(REPO, generated), join(dir, generated));
  return { commit, dir };
}

async function startEndpoint(name: string, root: string, env: Record<string, string>) {
  const profileDir = flags.profile ? resolve(flags.profile) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const proc = spawnTs(name, SERVER, { env: { ...env, BENCH_ENROLL_ROOT: root }, profileDir });
  track(name, () => proc.stop(), proc.pid);
  let url = "";
  await waitFor(
    `the ${name} enrollment endpoint to listen`,
    () => {
      if (proc.child.exitCode !== null) throw new Error(`${name} exited:\n${proc.tail()}`);
      url = /listening (\S+)/.exec(proc.tail(50))?.[1] ?? "";
      return url !== "";
    },
    60_000,
  );
  return { proc, url };
}

// --- the load -----------------------------------------------------------------------
interface Round {
  devicesPerS: number;
  p50: number;
  p99: number;
  busy: number;
  serverErrors: number;
  otherErrors: string[];
  cpuMsPerDevice: number;
  load1: number;
}

async function enrollAll(url: string, token: string, csrs: string[], pid: number) {
  const latencies: number[] = [];
  let busy = 0;
  let serverErrors = 0;
  const otherErrors: string[] = [];
  let next = 0;
  const one = async (i: number) => {
    const body = JSON.stringify({
      token,
      csr: csrs[i],
      hostname: `box-${i}`,
      agentVersion: "bench",
      capabilities: { version: 1, sections: [] },
    });
    const t0 = performance.now();
    for (;;) {
      const res = await fetch(`${url}/api/fleet/enroll`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      const text = await res.text();
      if (res.ok) {
        latencies.push(performance.now() - t0);
        return;
      }
      if (res.status === 503) {
        busy++;
        await sleep(Number(res.headers.get("retry-after") ?? 1) * 1000);
        continue;
      }
      if (res.status >= 500) serverErrors++;
      otherErrors.push(`${res.status} ${text.slice(0, 200)}`);
      return;
    }
  };
  const cpu0 = await cpuMs(pid);
  if (flags.profile) process.kill(pid, "SIGUSR2");
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < csrs.length) await one(next++);
    }),
  );
  const seconds = (performance.now() - t) / 1000;
  if (flags.profile) process.kill(pid, "SIGUSR2");
  return {
    devicesPerS: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    busy,
    serverErrors,
    otherErrors,
    cpuMsPerDevice: ((await cpuMs(pid)) - cpu0) / Math.max(1, latencies.length),
    load1: loadavg()[0] ?? 0,
  } satisfies Round;
}

// --- main ---------------------------------------------------------------------------
let exitCode = 0;
try {
  benchEnv = await createBenchEnv((e) => {
    benchEnv = e;
    trackEnv(e);
  });
  // Billing on: a Stripe stand-in in this process, its settings for every child.
  const { startStripeStub } = await import("../../tools/stripe-stand-in");
  const stub = await startStripeStub({ webhookUrl: null, autoDeliver: false });
  track("Stripe stand-in", () => stub.close());
  // The default broker: the embedded one in its fleet process.
  const ports: BrokerPorts = { kind: "embedded", ports: [await freePort()] };
  const childEnv = { ...benchEnv.vars, ...stub.env(), ...brokerUrls(ports) };
  Object.assign(process.env, childEnv);
  const { startControlPlane } = await import("./control-plane");
  const { createOrgWithToken } = await import("./enroll-org");
  const cp = await startControlPlane(ports, undefined, childEnv, undefined, (fn, pid) =>
    track("control plane part", fn, pid),
  );
  track("control plane", () => cp.stop());

  const builds: { name: string; root: string; label: string }[] = [];
  if (!flags["no-baseline"]) {
    const base = exportBaseline(flags["baseline-ref"]);
    builds.push({
      name: "baseline",
      root: base.dir,
      label: `${flags["baseline-ref"]} ${base.commit}`,
    });
  }
  const head = execFileSync("git", ["-C", REPO, "rev-parse", "--short", "HEAD"], {
    encoding: "utf8",
  }).trim();
  builds.push({ name: "this", root: REPO, label: `this checkout (${head})` });

  const endpoints = new Map<
    string,
    { proc: TsProcess; url: string; org: Awaited<ReturnType<typeof createOrgWithToken>> }
  >();
  for (const b of builds) {
    const ep = await startEndpoint(b.name, b.root, childEnv);
    const org = await createOrgWithToken(`${b.name}-${randomBytes(3).toString("hex")}`, N * ROUNDS);
    endpoints.set(b.name, { ...ep, org });
    log(`${b.name}: ${b.label}, pid ${ep.proc.pid}, ${ep.url}, org ${org.orgId}`);
  }

  const results = new Map<string, Round[]>(builds.map((b) => [b.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    log(`\nround ${r + 1}/${ROUNDS}: making ${N} device keys and CSRs (not timed)`);
    const csrs: string[] = [];
    for (let i = 0; i < N; i++) csrs.push((await createDeviceKey(`box-${i}`)).csrPem);
    // Alternate which build goes first, so neither always meets the other's leftovers.
    const order = r % 2 ? [...builds].reverse() : builds;
    for (const b of order) {
      const ep = endpoints.get(b.name)!;
      const token = await ep.org.newToken(N);
      const round = await enrollAll(ep.url, token.token, csrs, ep.proc.pid);
      // Every answered enrollment is a device and a use of the token; nothing more.
      const enrolled = N - round.otherErrors.length;
      const check = await ep.org.tokenUses(token.id);
      if (check.uses !== enrolled || check.devices !== enrolled)
        round.otherErrors.push(
          `token uses ${check.uses}, devices ${check.devices}, expected ${enrolled}`,
        );
      results.get(b.name)!.push(round);
      log(
        `  ${b.name.padEnd(8)} ${round.devicesPerS.toFixed(1)} devices/s, p50 ${Math.round(round.p50)} ms, p99 ${Math.round(round.p99)} ms, ${round.busy} × 503, ${round.serverErrors} × 5xx, ${round.otherErrors.length} other failures, ${round.cpuMsPerDevice.toFixed(2)} CPU ms/device, load ${round.load1.toFixed(1)}`,
      );
      for (const e of round.otherErrors.slice(0, 3)) log(`    ${e}`);
    }
  }

  const rows: (string | number)[][] = [
    [
      "build",
      "dev/s median",
      "worst",
      "p50 ms",
      "p99 ms",
      "503s",
      "5xx",
      "failed",
      "CPU ms/dev",
      "load",
    ],
  ];
  const summary = (name: string) => {
    const rs = results.get(name)!;
    const m = (f: (x: Round) => number) => median(rs.map(f));
    return {
      rate: m((x) => x.devicesPerS),
      worst: Math.min(...rs.map((x) => x.devicesPerS)),
      row: [
        name,
        m((x) => x.devicesPerS).toFixed(1),
        Math.min(...rs.map((x) => x.devicesPerS)).toFixed(1),
        Math.round(m((x) => x.p50)).toString(),
        Math.round(m((x) => x.p99)).toString(),
        String(rs.reduce((a, x) => a + x.busy, 0)),
        String(rs.reduce((a, x) => a + x.serverErrors, 0)),
        String(rs.reduce((a, x) => a + x.otherErrors.length, 0)),
        m((x) => x.cpuMsPerDevice).toFixed(2),
        m((x) => x.load1).toFixed(1),
      ],
    };
  };
  for (const b of builds) rows.push(summary(b.name).row);
  log(
    `\nEnrollment of ${N} devices per round on one token of one org, ${CONCURRENCY} at a time, ${ROUNDS} round(s); latency per device from its first attempt (503s retried after Retry-After); medians over rounds\n`,
  );
  log(table(rows));
  if (builds.length === 2)
    log(
      `\nthis / baseline: ${(summary("this").rate / summary("baseline").rate).toFixed(2)}× devices/s (median), ${(summary("this").worst / summary("baseline").worst).toFixed(2)}× (worst round)`,
    );
  log(
    `\nMachine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} at the end; Node ${process.version}`,
  );
  log(
    "Processes: the enrollment endpoint (one per build), workers + ingest, the embedded broker (fleet process), this one (the boxes' HTTP clients), PostgreSQL, Redis",
  );
  if ([...results.values()].flat().some((x) => x.serverErrors > 0)) exitCode = 1;
} catch (e) {
  console.error(`\nenrollment benchmark failed: ${(e as Error).stack ?? e}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
