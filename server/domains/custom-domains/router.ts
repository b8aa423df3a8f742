import { z } from "zod";
import { zText } from "../../../protocol/text";
import { orgInput, ZId } from "../../api/inputs";
import { permissionProcedure, rest, router } from "../../api/trpc";
import {
  createEmbedToken,
  getEmbedSettings,
  MAX_EMBED_ORIGINS,
  rotateEmbedKey,
  setEmbedOrigins,
} from "./embed/settings";
import { MAX_EMBED_MINUTES } from "./embed/token";
import { ZDomainView, ZEmbedScope, ZEmbedSettings, ZHostname } from "./schemas";
import { addDomain, listDomains, removeDomain } from "./services/domains";
import { dnsBudgetMs, verifyDomain } from "./services/verify-domain";

export const domainRouter = router({
  list: permissionProcedure("domain.manage", rest("GET /orgs/{orgSlug}/domains"))
    .input(orgInput({}))
    .output(z.array(ZDomainView))
    .query(({ ctx }) => listDomains(ctx.tx, ctx.tenant.orgId)),

  add: permissionProcedure("domain.manage", rest("POST /orgs/{orgSlug}/domains", 201))
    .input(orgInput({ hostname: ZHostname }))
    .output(ZDomainView)
    .mutation(({ ctx, input }) =>
      addDomain(ctx.tx, ctx.principal, ctx.tenant.orgId, input.hostname),
    ),

  /** Looks the TXT record up now: verified, or failed with the reason (lastError). */
  verify: permissionProcedure(
    "domain.manage",
    rest("POST /orgs/{orgSlug}/domains/{domainId}/verify"),
  )
    .meta({ access: "domain.manage", transactionTimeoutMs: dnsBudgetMs() })
    .input(orgInput({ domainId: ZId }))
    .output(ZDomainView)
    .mutation(({ ctx, input }) =>
      verifyDomain(ctx.tx, ctx.principal, ctx.tenant.orgId, input.domainId),
    ),

  remove: permissionProcedure(
    "domain.manage",
    rest("DELETE /orgs/{orgSlug}/domains/{domainId}", 204),
  )
    .input(orgInput({ domainId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) =>
      removeDomain(ctx.tx, ctx.principal, ctx.tenant.orgId, input.domainId),
    ),
});

export const embedRouter = router({
  settings: permissionProcedure("embed.manage", rest("GET /orgs/{orgSlug}/embed"))
    .input(orgInput({}))
    .output(ZEmbedSettings)
    .query(({ ctx }) => getEmbedSettings(ctx.tx, ctx.tenant.orgId)),

  setOrigins: permissionProcedure("embed.manage", rest("PUT /orgs/{orgSlug}/embed/origins"))
    .input(orgInput({ origins: z.array(zText().max(200)).max(MAX_EMBED_ORIGINS * 2) }))
    .output(ZEmbedSettings)
    .mutation(({ ctx, input }) =>
      setEmbedOrigins(ctx.tx, ctx.principal, ctx.tenant.orgId, input.origins),
    ),

  /** A signed token for /embed/<token>, shown once (it is not stored). */
  createToken: permissionProcedure("embed.manage", rest("POST /orgs/{orgSlug}/embed/tokens", 201))
    .input(
      orgInput({
        scope: ZEmbedScope.default("overview"),
        expiresInMinutes: z
          .number()
          .int()
          .min(1)
          .max(MAX_EMBED_MINUTES, "At most 7 days (10080 minutes)")
          .default(24 * 60),
      }),
    )
    .output(z.object({ token: zText(), expiresAt: z.date() }))
    .mutation(({ ctx, input }) => createEmbedToken(ctx.tx, ctx.principal, ctx.tenant.orgId, input)),

  /** Revokes every embed token of the org. */
  rotateKey: permissionProcedure("embed.manage", rest("POST /orgs/{orgSlug}/embed/rotate-key"))
    .input(orgInput({}))
    .output(ZEmbedSettings)
    .mutation(({ ctx }) => rotateEmbedKey(ctx.tx, ctx.principal, ctx.tenant.orgId)),
});

/** This domain's routers, keyed by their place in the API (server/api/root.ts). */
export const customDomainsRouters = { domain: domainRouter, embed: embedRouter };
