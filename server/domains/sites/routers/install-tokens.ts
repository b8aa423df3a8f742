// Install (enrollment) tokens of a site: the secret a box enrolls with.
import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { newestFirst, orgInput, ZId } from "../../../api/inputs";
import { restTag } from "../../../api/rest-tag";
import { permissionProcedure } from "../../../api/trpc";
import { page, pageInput } from "../../../platform/pagination";
import { createEnrollmentToken, revokeEnrollmentToken } from "../../fleet";
import { ZEnrollmentTokenView, ZNewEnrollmentToken } from "../schemas";
import { listInstallTokens } from "../services/install-tokens";

const ZTag = zText().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "tags are lowercase letters, digits and -");
const route = restTag("Install tokens");

/** Procedures of the `site` router (../router.ts). */
export const installTokens = {
  // site.write to read them too: a token's list shows what can enroll a box.
  tokens: permissionProcedure(
    "site.write",
    route("GET /orgs/{orgSlug}/sites/{siteId}/install-tokens"),
  )
    .input(orgInput({ siteId: ZId, ...pageInput(["createdAt", "expiresAt"]), ...newestFirst }))
    .output(page(ZEnrollmentTokenView))
    .query(({ ctx, input }) => listInstallTokens(ctx.tx, ctx.tenant.orgId, input.siteId, input)),

  createToken: permissionProcedure(
    "site.write",
    route("POST /orgs/{orgSlug}/sites/{siteId}/install-tokens", 201),
  )
    .input(
      orgInput({
        siteId: ZId,
        expiresInHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 30)
          .default(24),
        maxUses: z.number().int().min(1).max(10_000).default(1),
        autoApprove: z.boolean().default(true),
        tags: z.array(ZTag).max(10).default([]),
      }),
    )
    .output(ZNewEnrollmentToken)
    .mutation(({ ctx, input }) => createEnrollmentToken(ctx.tx, ctx.principal, ctx.tenant, input)),

  revokeToken: permissionProcedure(
    "site.write",
    route("DELETE /orgs/{orgSlug}/install-tokens/{tokenId}", 204),
  )
    .input(orgInput({ tokenId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) =>
      revokeEnrollmentToken(ctx.tx, ctx.principal, ctx.tenant, input.tokenId),
    ),
};
