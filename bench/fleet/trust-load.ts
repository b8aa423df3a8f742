// The brokers' trust read at many orgs: `npx tsx bench/fleet/trust-load.ts [--orgs 1000]
// [--rounds 5]`.
//
// What it measures: loadTrust (server/domains/fleet/broker/trust.ts), which every fleet
// process runs on each trust announcement and every five minutes, over `orgs` orgs whose CAs
// are intermediates of the platform root. Interleaved per round:
//   baseline: a cold read, every org's CRL signature verified (what each read cost before
//             the checked pairs were kept between reads);
//   change:   a read after one org's CRL changed (a revocation): one CRL verified.
// It also prints what the embedded broker is handed (anchors and CRLs): with no revocation,
// the root and its CRL alone, whatever the number of orgs. Medians and the ratio; nothing
// asserts on time. Setup: a fresh database (dropped at the end), rows written with SQL.
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { type BenchEnv, createBenchEnv, dropBenchEnv } from "./bench-env";
import { median } from "./stats";

const { values: args } = parseArgs({
  options: {
    orgs: { type: "string", default: "1000" },
    rounds: { type: "string", default: "5" },
  },
});
const ORGS = Number(args.orgs);
const ROUNDS = Number(args.rounds);

let benchEnv: BenchEnv | undefined;

async function main() {
  benchEnv = await createBenchEnv((e) => (benchEnv = e));
  const { env } = await import("../../server/platform/env");
  const { getDb } = await import("../../server/platform/db/client");
  const { ensurePlatformPki } = await import("../../server/domains/fleet/pki/platform");
  const { createOrgCa } = await import("../../server/domains/fleet/pki/intermediate");
  const { platformRoot } = await import("../../server/domains/fleet/pki/intermediate");
  const { loadSigner, signCrl } = await import("../../server/domains/fleet/pki/issue");
  const { loadTrust, forgetCheckedPairs } = await import("../../server/domains/fleet/broker/trust");

  const pki = await ensurePlatformPki(env.FLEET_PKI_DIR, env.FLEET_MASTER_KEY);
  const root = await platformRoot(pki, env.FLEET_MASTER_KEY);
  const t0 = performance.now();
  const owner = new pg.Client({ connectionString: benchEnv.vars.DATABASE_URL });
  await owner.connect();
  const first = { certPem: "", keyEnc: "" };
  for (let i = 1; i <= ORGS; i++) {
    const orgId = `benchorg${String(i).padStart(8, "0")}`;
    const ca = await createOrgCa(orgId, root, env.FLEET_MASTER_KEY);
    if (i === 1) Object.assign(first, ca);
    await owner.query(
      `INSERT INTO organizations (id, name, slug, "updatedAt") VALUES ($1, $1, $1, now())`,
      [orgId],
    );
    await owner.query(
      `INSERT INTO fleet_trust ("orgId", "certPem", "crlPem", "updatedAt") VALUES ($1, $2, $3, now())`,
      [orgId, ca.certPem, ca.crlPem],
    );
  }
  console.log(`seeded ${ORGS} orgs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const signer = await loadSigner(first.certPem, first.keyEnc, env.FLEET_MASTER_KEY);

  const db = getDb();
  const baseline: number[] = [];
  const change: number[] = [];
  let handed = "";
  for (let round = 1; round <= ROUNDS; round++) {
    forgetCheckedPairs();
    let t = performance.now();
    const cold = await loadTrust(db, pki);
    baseline.push(performance.now() - t);
    const crlPem = await signCrl(signer, { revoked: [], crlNumber: round + 1 });
    await owner.query(`UPDATE fleet_trust SET "crlPem" = $1 WHERE "orgId" = 'benchorg00000001'`, [
      crlPem,
    ]);
    t = performance.now();
    const warm = await loadTrust(db, pki);
    change.push(performance.now() - t);
    if (cold.skipped.length || warm.skipped.length) throw new Error("rows were skipped");
    handed = `${warm.caBundle.match(/BEGIN CERTIFICATE/g)?.length} anchor(s), ${warm.crlBundle.match(/BEGIN X509 CRL/g)?.length} CRL(s)`;
    console.log(
      `round ${round}: baseline ${baseline.at(-1)?.toFixed(0)} ms, after one change ${change.at(-1)?.toFixed(0)} ms (load ${loadavg()[0]?.toFixed(1)})`,
    );
  }
  await owner.end();
  const b = median(baseline);
  const c = median(change);
  console.log(
    `\nmedian over ${ROUNDS} rounds, ${ORGS} orgs: baseline (every CRL verified) ${b.toFixed(0)} ms; ` +
      `after one org's change ${c.toFixed(0)} ms; ratio ${(c / b).toFixed(2)}×. ` +
      `The embedded broker is handed ${handed}.`,
  );
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    const { getDb } = await import("../../server/platform/db/client").catch(() => ({
      getDb: null,
    }));
    await getDb?.()
      .$disconnect()
      .catch(() => undefined);
    if (benchEnv) for (const p of await dropBenchEnv(benchEnv)) console.error(`cleanup: ${p}`);
  });
