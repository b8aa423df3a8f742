// Enrollment tokens: the secret in a site's install command. Shown once, stored hashed,
// limited in time and uses, revocable.

import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { env } from "../../../platform/env";
import { notFound } from "../../../platform/errors";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { assertWritable } from "../../billing";
import { requireSite } from "../../sites";
import { newSecret } from "../enrollment/tokens";

/** The one line an operator pastes on the site's box. */
export function installCommand(token: string) {
  const url = env.APP_URL.replace(/\/$/, "");
  return `curl -fsSL ${url}/install.sh | sudo sh -s -- --token ${token}`;
}

export async function listEnrollmentTokens(tx: Tx, orgId: string, siteId: string) {
  const rows = await tx.enrollmentToken.findMany({
    where: { orgId, siteId },
    orderBy: { createdAt: "desc" },
  });
  const now = new Date();
  return rows.map((t) => ({
    id: t.id,
    prefix: t.prefix,
    expiresAt: t.expiresAt,
    maxUses: t.maxUses,
    uses: t.uses,
    autoApprove: t.autoApprove,
    tags: t.tags,
    revokedAt: t.revokedAt,
    createdAt: t.createdAt,
    usable: !t.revokedAt && t.expiresAt > now && t.uses < t.maxUses,
  }));
}

export async function createEnrollmentToken(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: {
    siteId: string;
    expiresInHours: number;
    maxUses: number;
    autoApprove: boolean;
    tags: string[];
  },
) {
  await requireSite(tx, tenant.orgId, input.siteId);
  await assertWritable(tx, tenant.orgId);
  const { token, hash } = newSecret("ptk");
  const row = await tx.enrollmentToken.create({
    data: {
      orgId: tenant.orgId,
      siteId: input.siteId,
      tokenHash: hash,
      prefix: token.slice(0, 10),
      expiresAt: new Date(Date.now() + input.expiresInHours * 3600_000),
      maxUses: input.maxUses,
      autoApprove: input.autoApprove,
      tags: input.tags,
      createdById: actor.id,
    },
  });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "enrollment_token.create",
    targetType: "enrollment_token",
    targetId: row.id,
    after: { siteId: input.siteId, maxUses: input.maxUses, autoApprove: input.autoApprove },
  });
  return { id: row.id, token, command: installCommand(token), expiresAt: row.expiresAt };
}

export async function revokeEnrollmentToken(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  tokenId: string,
) {
  const row = await tx.enrollmentToken.findUnique({ where: { id: tokenId, orgId: tenant.orgId } });
  if (!row) throw notFound("Enrollment token");
  if (row.revokedAt) return;
  await tx.enrollmentToken.update({
    where: { id: row.id, orgId: tenant.orgId },
    data: { revokedAt: new Date() },
  });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "enrollment_token.revoke",
    targetType: "enrollment_token",
    targetId: row.id,
  });
}
