// `npm start` runs this once the portal answers: one simulated agent per demo site of Acme,
// enrolled the way a real box enrolls (a fresh enrollment token, then POST /api/fleet/enroll
// with a locally made key), and then run with the real agent code minus the kernel. State
// lives in .data/demo-fleet/<site>, so a restart reuses the same devices.
import { mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { enroll } from "../edge-agent/src/agent/enroll";
import { createLogger } from "../edge-agent/src/agent/log";
import { loadSimAgents, startSimFleet } from "../edge-agent/src/agent/sim-fleet";
import { FileStore } from "../edge-agent/src/agent/store";
import { createDb } from "../server/db/client";
import { withScope } from "../server/db/with-tenant";
import { env } from "../server/env";
import { createEnrollmentToken } from "../server/fleet/services/enrollment-tokens";

const ROOT = path.resolve(".data/demo-fleet");
const log = createLogger("info", undefined, { component: "demo-fleet" });

async function enrollMissing() {
  const db = createDb(env.DATABASE_URL);
  try {
    const acme = await db.organization.findUnique({ where: { slug: "acme" } });
    const owner = await db.user.findUnique({ where: { email: "it@acme.demo.patronus.dev" } });
    if (!acme || !owner) throw new Error("the demo org is missing: run the seed first");
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
    for (const site of sites) {
      const dir = path.join(ROOT, site.id);
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
  } finally {
    await db.$disconnect();
  }
}

await enrollMissing();
const dirs = (await readdir(ROOT, { withFileTypes: true }))
  .filter((e) => e.isDirectory())
  .map((e) => path.join(ROOT, e.name));
const fleet = await startSimFleet({ agents: await loadSimAgents(dirs), heartbeatSeconds: 15, log });
log.info("simulated agents running", fleet.summary());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await fleet.stop();
    process.exit(0);
  });
}
