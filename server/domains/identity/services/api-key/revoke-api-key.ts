import { type Actor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Tx } from "../../../../platform/db/client";
import { notFound } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { API_KEY_SELECT, apiKeyView } from "./view";

/**
 * Revokes a key at once: the next request with it is refused. Idempotent: revoking a
 * revoked key answers the key as it is (first revocation's time and author) and logs
 * nothing more. Another org's key, or none, is NOT_FOUND.
 */
export async function revokeApiKey(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: { apiKeyId: string },
) {
  const where = { id: input.apiKeyId, orgId: tenant.orgId };
  const revoked = await tx.apiKey.updateMany({
    where: { ...where, revokedAt: null },
    data: { revokedAt: new Date(), revokedById: actor.id },
  });
  const row = await tx.apiKey.findFirst({ where, select: API_KEY_SELECT });
  if (!row) throw notFound("API key");
  if (revoked.count > 0)
    await writeAudit(tx, actor, {
      orgId: tenant.orgId,
      action: "apikey.revoke",
      targetType: "apiKey",
      targetId: row.id,
      before: { name: row.name, prefix: row.prefix },
    });
  return apiKeyView(row);
}
