// The org of the enrollment benchmark (bench/fleet/enroll.ts): made through the services
// and API procedures the portal uses, on a plan whose device limit fits every round (the
// quota is still checked on every enrollment: billing is on), with one site and a compiled
// config, so that each enrolled device gets a desired config as in production.
import { randomBytes, randomUUID } from "node:crypto";
import { createCaller } from "../../server/api/root";
import { createOrg } from "../../server/domains/identity/services/org/create-org";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { userPrincipal } from "../../server/platform/tenancy/principal";
import { waitCompiled } from "./org";

export async function createOrgWithToken(tag: string, maxDevices: number) {
  const db = getDb();
  const user = {
    id: randomUUID(),
    email: `bench-enroll-${randomBytes(4).toString("hex")}@example.test`,
    name: "Bench owner",
    emailVerified: true,
  };
  await db.user.create({ data: user });
  const owner = userPrincipal(user);
  const orgSlug = `bench-enroll-${tag}`;
  const org = await createOrg(db, owner, { name: `Bench ${tag}`, slug: orgSlug, kind: "standard" });
  // As sales would set it up: Enterprise, with room for every round's devices.
  await withScope(db, { orgId: org.id }, (tx) =>
    tx.billingAccount.upsert({
      where: { orgId: org.id },
      create: { orgId: org.id, planOverride: "enterprise", customLimits: { devices: maxDevices } },
      update: { planOverride: "enterprise", customLimits: { devices: maxDevices } },
    }),
  );
  const caller = createCaller({ db, user: owner, headers: new Headers() });
  const site = await caller.site.create({ orgSlug, name: "site-1" });
  await waitCompiled(org.id, 120_000);
  return {
    orgId: org.id,
    newToken: (maxUses: number) => caller.site.createToken({ orgSlug, siteId: site.id, maxUses }),
    async tokenUses(tokenId: string) {
      return withScope(db, { orgId: org.id }, async (tx) => ({
        uses: (await tx.enrollmentToken.findFirstOrThrow({ where: { orgId: org.id, id: tokenId } }))
          .uses,
        devices: await tx.device.count({ where: { orgId: org.id, tokenId } }),
      }));
    },
  };
}
