import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { newestFirst, orgInput, ZId } from "../../../api/inputs";
import { permissionProcedure, rest, router } from "../../../api/trpc";
import { page, pageInput } from "../../../platform/pagination";
import { createApiKey } from "../services/api-key/create-api-key";
import { listApiKeys } from "../services/api-key/list-api-keys";
import { revokeApiKey } from "../services/api-key/revoke-api-key";
import { MAX_ALLOWED_CIDRS, MAX_EXPIRY_DAYS } from "../services/api-key/rules";
import { scopeCatalog } from "../services/api-key/scope-catalog";

/** What a key looks like to the org: never its token or hash. */
const ZApiKey = z.object({
  id: zText(),
  name: zText(),
  prefix: zText(),
  scopes: z.array(zText()),
  allowedCidrs: z.array(zText()),
  expiresAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  lastUsedIp: zText().nullable(),
  revokedAt: z.date().nullable(),
  createdAt: z.date(),
  createdById: zText(),
  createdByEmail: zText(),
  status: z.enum(["active", "revoked", "expired"]),
});

// Shapes only: which scopes, expiries and CIDRs are acceptable is the service's to say
// (createApiKey), with errors naming the field or scope.
const ZCreateApiKeyInput = orgInput({
  name: zText().trim().min(1, "Name the key").max(60, "At most 60 characters"),
  scopes: z.array(zText().max(64)).min(1, "Choose at least one scope").max(64),
  expiresAt: z.date().nullish(),
  expiresInDays: z.number().int().min(1).max(MAX_EXPIRY_DAYS).nullish(),
  allowedCidrs: z.array(zText().max(64)).max(MAX_ALLOWED_CIDRS).default([]),
});

export const apiKeyRouter = router({
  /** Every key of the org (revoked and expired ones marked), newest first by default. */
  list: permissionProcedure("apikey.read", rest("GET /orgs/{orgSlug}/api-keys"))
    .input(
      orgInput({
        ...pageInput(["createdAt", "name"]),
        ...newestFirst,
      }),
    )
    .output(page(ZApiKey))
    .query(({ ctx, input }) => listApiKeys(ctx.tx, ctx.tenant.orgId, input)),

  /** The permissions the caller may put on a key (their own), grouped for the picker. */
  scopes: permissionProcedure("apikey.read", rest("GET /orgs/{orgSlug}/api-key-scopes"))
    .input(orgInput({}))
    .output(
      z.array(
        z.object({
          name: zText(),
          group: zText(),
          groupLabel: zText(),
          label: zText(),
          readOnly: z.boolean(),
        }),
      ),
    )
    .query(({ ctx }) => scopeCatalog(ctx.scopes)),

  /**
   * The token is in this answer only; it cannot be shown again. Only a person creates keys
   * (createApiKey): a key that could mint keys would outlive any revocation.
   */
  create: permissionProcedure("apikey.write", {
    ...rest("POST /orgs/{orgSlug}/api-keys", 201),
    description:
      "Only a signed-in person can create a key (the portal's session): an API key gets 403.",
  })
    .input(ZCreateApiKeyInput)
    .output(z.object({ key: ZApiKey, token: zText() }))
    .mutation(({ ctx, input }) => createApiKey(ctx.tx, ctx.principal, ctx.tenant, input)),

  /** Idempotent: revoking a revoked key answers it as it is. */
  revoke: permissionProcedure(
    "apikey.write",
    rest("POST /orgs/{orgSlug}/api-keys/{apiKeyId}/revoke"),
  )
    .input(orgInput({ apiKeyId: ZId }))
    .output(ZApiKey)
    .mutation(({ ctx, input }) => revokeApiKey(ctx.tx, ctx.principal, ctx.tenant, input)),
});
