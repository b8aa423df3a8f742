// What one org's ingest batch costs the database as the batch grows:
// `npx tsx bench/fleet/ingest-batch.ts [--devices 10000] [--sizes 500,2000,10000]
// [--rounds 3] [--baseline DIR]`.
//
// When ten thousand agents connect at once, the ingest writes one org's presence, state
// reports and heartbeats in batches of thousands, under the org's fleet lock. This writes
// such batches through the ingest's own writeOrgBatch (one transaction, every statement)
// to an org of --devices devices with a webhook endpoint subscribed to the fleet's events,
// on a database of its own made for the run. Each round first flips every device offline
// and back to "applying" so that each batch changes every row and emits one event a device.
// Two cases: "fresh" statistics (the devices table never analyzed, as right after an org
// grew fast) and "analyzed".
// With --baseline DIR (a checkout of another commit, e.g. `git worktree add DIR HEAD~1`
// with node_modules linked), the same batches run against that checkout's code in a child
// process, alternating round by round, and the ratios are printed. A batch that fails
// (a transaction timeout) prints as "failed". Nothing asserts on time.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { median, table } from "./stats";

const { values: args } = parseArgs({
  options: {
    devices: { type: "string", default: "10000" },
    sizes: { type: "string", default: "500,2000,10000" },
    rounds: { type: "string", default: "3" },
    baseline: { type: "string" },
    // internal: run one round of batches with the code under --code and print JSON
    child: { type: "string" },
    code: { type: "string" },
  },
});
const DEVICES = Number(args.devices);
const SIZES = args.sizes.split(",").map(Number);
const ROUNDS = Number(args.rounds);
for (const n of [DEVICES, ROUNDS, ...SIZES])
  if (!Number.isInteger(n) || n < 1)
    throw new Error("--devices, --sizes and --rounds take positive integers");
if (SIZES.some((s) => s > DEVICES)) throw new Error("a --sizes entry exceeds --devices");

const ADMIN =
  process.env.BENCH_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const HERE = resolve(fileURLToPath(import.meta.url), "../../..");
const CHANNELS = ["presence", "state", "heartbeat"] as const;
type Result = Record<string, number | null>; // `${stats}/${channel}/${size}` → ms

if (args.child) {
  console.log(JSON.stringify(await runRound(resolve(args.code ?? HERE), args.child === "fresh")));
  process.exit(0);
}

const sides = args.baseline ? ["baseline", "current"] : ["current"];
const results = new Map<string, Result[]>(sides.map((s) => [s, []]));
for (let round = 0; round < ROUNDS; round++)
  for (const side of sides)
    for (const stats of ["fresh", "analyzed"]) {
      const code = side === "baseline" ? resolve(args.baseline as string) : HERE;
      const child = spawnSync(
        process.execPath,
        [
          ...process.execArgv,
          fileURLToPath(import.meta.url),
          "--child",
          stats,
          "--code",
          code,
          "--devices",
          String(DEVICES),
          "--sizes",
          args.sizes,
        ],
        { encoding: "utf8", maxBuffer: 1 << 24 },
      );
      const line = child.stdout.trim().split("\n").at(-1) ?? "";
      if (child.status !== 0 || !line.startsWith("{"))
        throw new Error(`the ${side} round failed:\n${child.stderr.slice(-4000)}`);
      results.get(side)?.push(JSON.parse(line));
    }

const keys = [...new Set((results.get("current") ?? []).flatMap((r) => Object.keys(r)))];
const med = (side: string, key: string) => {
  const xs = (results.get(side) ?? [])
    .filter((r) => key in r)
    .map((r) => r[key])
    .filter((x) => x != null) as number[];
  return xs.length ? median(xs) : null;
};
const fmt = (x: number | null) => (x == null ? "failed" : `${x.toFixed(0)} ms`);
console.log(
  `\n${DEVICES} devices, ${ROUNDS} round(s), load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}; median ms per batch (one transaction)\n`,
);
console.log(
  table([
    ["statistics", "channel", "batch", ...sides, ...(args.baseline ? ["ratio"] : [])],
    ...keys.map((k) => {
      const [stats, channel, size] = k.split("/");
      const cur = med("current", k);
      const base = args.baseline ? med("baseline", k) : null;
      const ratio =
        base == null
          ? "baseline failed"
          : cur == null
            ? "current failed"
            : `${(base / cur).toFixed(1)}×`;
      return [
        stats ?? "",
        channel ?? "",
        size ?? "",
        ...sides.map((s) => fmt(med(s, k))),
        ...(args.baseline ? [ratio] : []),
      ];
    }),
  ]),
);

/** One round in a database of its own, with the product code under `code`. */
async function runRound(code: string, fresh: boolean): Promise<Result> {
  const name = `bench_ingest_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const owner = new URL(ADMIN);
  owner.pathname = `/${name}`;
  const app = new URL(owner);
  app.username = "patronus_app";
  Object.assign(process.env, {
    DATABASE_URL: owner.href,
    APP_DATABASE_URL: app.href,
    NODE_ENV: "test",
    REDIS_PREFIX: `bench-${name}`,
    FLEET_PKI_DIR: `/tmp/${name}-pki`,
  });
  const at = (p: string) => import(join(code, p));
  const out: Result = {};
  try {
    await (await at("server/platform/db/migrate.ts")).migrate(owner.href);
    await (await at("server/platform/db/app-role.ts")).ensureAppRole(owner.href, app.href);
    const { createTenant } = await at("testkit/factories/tenant.ts");
    const { getDb } = await at("server/platform/db/client.ts");
    const { withScope } = await at("server/platform/db/with-tenant.ts");
    const core = await at("server/domains/fleet/channel/core-channels.ts");
    const { writeOrgBatch, newBatch, addToBatch } = await at(
      "server/domains/fleet/channel/ingest.ts",
    );
    const tenant = await createTenant();
    await tenant.caller.webhook.create({
      orgSlug: tenant.slug,
      url: "https://hooks.example.com/patronus",
      events: ["device.online", "device.offline", "config.applied", "config.failed"],
    });
    const db = getDb();
    const { orgId } = tenant;
    await withScope(
      db,
      { orgId },
      // biome-ignore lint/suspicious/noExplicitAny: the other checkout's client
      (tx: any) =>
        tx.device.createMany({
          data: Array.from({ length: DEVICES }, (_, k) => ({
            orgId,
            siteId: tenant.siteId,
            hostname: `box-${k}`,
            status: "active",
          })),
        }),
      { timeoutMs: 120_000 },
    );
    const sql = new pg.Client({ connectionString: owner.href });
    await sql.connect();
    if (fresh) await sql.query("ALTER TABLE devices SET (autovacuum_enabled = false)");
    else await sql.query("ANALYZE devices");
    const ids = (await sql.query<{ id: string }>("SELECT id FROM devices ORDER BY id")).rows.map(
      (r) => r.id,
    );
    const now = new Date().toISOString();
    const messages = {
      presence: {
        v: 1,
        online: true,
        at: now,
        agentVersion: "1.0.0",
        capabilities: { version: 1, sections: ["policy"] },
      },
      state: { v: 1, revision: 1, hash: null, status: "applied", error: null, appliedAt: now },
      heartbeat: { v: 1, at: now, uptimeSeconds: 5, revision: 1, simulated: true },
    };
    const channels = {
      presence: core.presenceChannel,
      state: core.stateChannel,
      heartbeat: core.heartbeatChannel,
    };
    for (const size of SIZES) {
      // Every row changes in every batch: offline, applying, last seen long ago.
      await sql.query(
        `UPDATE devices SET online = false, "applyStatus" = 'applying', "reportedRevision" = 0,
           "lastSeenAt" = now() - interval '1 hour'`,
      );
      for (const channel of CHANNELS) {
        const batch = newBatch();
        for (const id of ids.slice(0, size))
          addToBatch(batch, channels[channel], id, messages[channel]);
        const started = performance.now();
        const ok = await writeOrgBatch(db, orgId, batch, () => {}).then(
          () => true,
          () => false,
        );
        out[`${fresh ? "fresh" : "analyzed"}/${channel}/${size}`] = ok
          ? performance.now() - started
          : null;
      }
    }
    await sql.end();
    await db.$disconnect();
  } finally {
    await (await at("server/platform/redis.ts")).closeRedis?.().catch(() => {});
    const admin2 = new pg.Client({ connectionString: ADMIN });
    await admin2.connect();
    await admin2.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin2.end();
  }
  return out;
}
