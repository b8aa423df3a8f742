import { type Actor, writeAudit } from "../../../../platform/audit/write-audit";
import type { Tx } from "../../../../platform/db/client";
import { AppError } from "../../../../platform/errors";
import type { TenantContext } from "../../../../platform/tenancy/resolve-membership";
import { assertQuota } from "../../../billing";
import { allowedCidrsOf, expiryOf, grantedScopes } from "./rules";
import { newApiKeyToken } from "./token";
import { API_KEY_SELECT, apiKeyView } from "./view";

export interface CreateApiKeyInput {
  name: string;
  scopes: readonly string[];
  expiresAt?: Date | null;
  expiresInDays?: number | null;
  allowedCidrs?: readonly string[];
}

/**
 * Creates a key for the org with at most the creator's own permissions. The token is in
 * the answer only (shown once); the database and the audit log keep neither it nor its
 * hash. Only people create keys: a key that could mint keys would outlive any revocation.
 */
export async function createApiKey(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: CreateApiKeyInput,
) {
  if (actor.kind !== "user")
    throw new AppError("FORBIDDEN", "Only a signed-in person can create API keys");
  const name = input.name.trim();
  if (name.length < 1 || name.length > 60)
    throw new AppError("BAD_REQUEST", "name: 1 to 60 characters", { name: "1 to 60 characters" });
  const scopes = grantedScopes(actor, tenant.role, input.scopes);
  const expiresAt = expiryOf(input);
  const allowedCidrs = allowedCidrsOf(input.allowedCidrs);
  await assertQuota(tx, tenant.orgId, "apiKeys");
  const { prefix, token, secretHash } = newApiKeyToken();
  const row = await tx.apiKey.create({
    data: {
      orgId: tenant.orgId,
      name,
      prefix,
      secretHash,
      scopes,
      allowedCidrs,
      expiresAt,
      createdById: actor.id,
    },
    select: API_KEY_SELECT,
  });
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "apikey.create",
    targetType: "apiKey",
    targetId: row.id,
    after: { name, prefix, scopes, allowedCidrs, expiresAt: expiresAt?.toISOString() ?? null },
  });
  return { key: apiKeyView(row), token };
}
