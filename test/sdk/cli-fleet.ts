// Fleet state for the CLI's rollout test: an org with three active devices (rows, no agents)
// and a compiled revision, whose rollout the devices then report as applied, as the ingest
// would (progressRollouts in the org's transaction).
import { compileOrg } from "../../server/domains/fleet/compile/compile-org";
import { progressRollouts } from "../../server/domains/fleet/rollout/progress";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { apiOrg } from "../../testkit/api-server";
import { createDeviceRows } from "../../testkit/factories/fleet-db";
import { callerFor } from "../../testkit/factories/identity";

export async function rolloutOrg() {
  const o = await apiOrg({ sites: 1 });
  const [site] = (await callerFor(o.owner).site.list({ orgSlug: o.slug })).items;
  await createDeviceRows(o.org.id, site!.id, [
    { hostname: "c-1" },
    { hostname: "c-2" },
    { hostname: "c-3" },
  ]);
  await compileOrg(getDb(), o.org.id);
  return o;
}

/** Every device reports the revision it desires, applied; the rollout moves on to its end. */
export async function reportApplied(orgId: string) {
  for (let step = 0; step < 3; step++)
    await withScope(getDb(), { orgId }, async (tx) => {
      const devices = await tx.device.findMany({
        where: { orgId },
        select: { id: true, desiredRevision: true },
      });
      for (const d of devices)
        await tx.device.updateMany({
          where: { id: d.id, orgId },
          data: {
            reportedRevision: d.desiredRevision,
            attemptedRevision: d.desiredRevision,
            applyStatus: "applied",
          },
        });
      await progressRollouts(tx, orgId);
    });
}
