import { type UserActor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Db } from "../../../../platform/db/client";
import { setTxOrg, withScope } from "../../../../platform/db/with-tenant";
import { assertMayCreateOrg } from "../../../billing";

export interface CreateOrgInput {
  name: string;
  slug: string;
  kind: "standard" | "msp";
}

/**
 * Creates an org with the actor as its owner. A taken slug is a CONFLICT; a user who
 * already owns the free orgs one person may is refused (PAYMENT_REQUIRED).
 */
export async function createOrg(db: Db, actor: UserActor, input: CreateOrgInput) {
  return withScope(db, { userId: actor.id }, async (tx) => {
    await assertMayCreateOrg(tx, actor.id);
    const org = await tx.organization.create({ data: { ...input, createdById: actor.id } });
    await setTxOrg(tx, org.id);
    await tx.membership.create({ data: { orgId: org.id, userId: actor.id, role: "owner" } });
    await writeAudit(tx, actor, {
      orgId: org.id,
      action: "org.create",
      targetType: "organization",
      targetId: org.id,
      after: { name: org.name, slug: org.slug, kind: org.kind },
    });
    return org;
  });
}
