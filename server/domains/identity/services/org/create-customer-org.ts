import { type UserActor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Tx } from "../../../../platform/db/client";
import { setTxOrg } from "../../../../platform/db/with-tenant";
import { AppError } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { assertQuota, assertWritable } from "../../../billing";
import type { CreateOrgInput } from "./create-org";

/**
 * An MSP creates a customer org under itself. The MSP's members act in it with the role
 * they hold in the MSP; the customer's own members are invited separately.
 */
export async function createCustomerOrg(
  tx: Tx,
  actor: UserActor,
  tenant: TenantContext,
  input: Omit<CreateOrgInput, "kind">,
) {
  if (tenant.orgKind !== "msp") {
    throw new AppError("BAD_REQUEST", "Only an MSP organization can have customer organizations");
  }
  // An MSP that is read-only (unpaid) adds no customers until it pays, and its plan
  // bounds how many it has (a free MSP cannot mint free orgs without end).
  await assertWritable(tx, tenant.orgId);
  await assertQuota(tx, tenant.orgId, "customerOrgs", 1);
  const org = await tx.organization.create({
    data: { ...input, kind: "standard", parentId: tenant.orgId, createdById: actor.id },
  });
  const after = { name: org.name, slug: org.slug, parentId: tenant.orgId };
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "customer.create",
    targetType: "organization",
    targetId: org.id,
    after,
  });
  await setTxOrg(tx, org.id);
  await writeAudit(tx, actor, {
    orgId: org.id,
    action: "org.create",
    targetType: "organization",
    targetId: org.id,
    after,
  });
  await setTxOrg(tx, tenant.orgId);
  return org;
}
