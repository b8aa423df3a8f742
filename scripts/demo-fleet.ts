// `npm start` runs this once the portal answers: one simulated agent per demo site of Acme,
// enrolled the way a real box enrolls (a fresh enrollment token, then POST /api/fleet/enroll
// with a locally made key), and then run with the real agent code minus the kernel. Each
// agent runs a simulated overlay (edge-agent/src/agent/overlay/sim-overlay.ts): it
// publishes a real tunnel key, so the sites become each other's peers, and then measures its
// paths with synthetic probes and selects paths with the real selection, so the topology and
// the site paths pages show live health, charts and selections. State lives in
// .data/demo-fleet/<site>, so a restart reuses the same devices and tunnel keys.
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { enroll } from "../edge-agent/src/agent/enroll";
import { createLogger } from "../edge-agent/src/agent/log";
import { loadSimAgents, startSimFleet } from "../edge-agent/src/agent/sim-fleet";
import { FileStore } from "../edge-agent/src/agent/store";
import { createEnrollmentToken } from "../server/domains/fleet/services/enrollment-tokens";
import { createDb } from "../server/platform/db/client";
import { withScope } from "../server/platform/db/with-tenant";
import { env } from "../server/platform/env";
import { userPrincipal } from "../server/platform/tenancy/principal";

const ROOT = path.resolve(".data/demo-fleet");
const log = createLogger("info", undefined, { component: "demo-fleet" });

/** Enrolls an agent for every Acme site that has none; returns the sites' state dirs. */
async function enrollMissing(): Promise<string[]> {
  const db = createDb(env.DATABASE_URL);
  try {
    const acme = await db.organization.findUnique({ where: { slug: "acme" } });
    const user = await db.user.findUnique({ where: { email: "it@acme.demo.patronus.dev" } });
    if (!acme || !user) throw new Error("the demo org is missing: run the seed first");
    const owner = userPrincipal(user);
    const tenant = {
      orgId: acme.id,
      orgSlug: acme.slug,
      orgName: acme.name,
      orgKind: acme.kind,
      role: "owner" as const,
      viaOrgId: null,
    };
    const sites = await withScope(db, { orgId: acme.id }, (tx) =>
      tx.site.findMany({ where: { orgId: acme.id }, orderBy: { name: "asc" } }),
    );
    const dirs: string[] = [];
    for (const site of sites) {
      const dir = path.join(ROOT, site.id);
      dirs.push(dir);
      const known = await new FileStore(dir).loadIdentity().catch(() => null);
      const device =
        known &&
        (await withScope(db, { orgId: acme.id }, (tx) =>
          tx.device.findFirst({ where: { orgId: acme.id, id: known.deviceId, status: "active" } }),
        ));
      if (device) continue;
      // A device the database no longer knows (fresh database, revoked): enroll anew.
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const store = new FileStore(dir);
      const { token } = await withScope(db, { orgId: acme.id }, (tx) =>
        createEnrollmentToken(tx, owner, tenant, {
          siteId: site.id,
          expiresInHours: 1,
          maxUses: 1,
          autoApprove: true,
          tags: ["demo"],
        }),
      );
      const hostname = `${site.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-edge`;
      await enroll({ url: env.APP_URL, token, store, hostname, log });
      log.info("enrolled a simulated agent", { site: site.name });
    }
    return dirs;
  } finally {
    await db.$disconnect();
  }
}

// Only the current sites' agents: a directory left from another database (a site that no
// longer exists) would only knock at the broker with a certificate nobody trusts.
const dirs = await enrollMissing();
const fleet = await startSimFleet({
  agents: await loadSimAgents(dirs),
  heartbeatSeconds: 15,
  overlay: true,
  log,
});
log.info("simulated agents running", fleet.summary());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await fleet.stop();
    process.exit(0);
  });
}
