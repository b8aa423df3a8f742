import { z } from "zod";
import { zText } from "../../../protocol/text";
import { orgInput, ZId } from "../../api/inputs";
import { permissionProcedure, router } from "../../api/trpc";
import { ZRevisionResult, ZWriteResult } from "../../platform/features/intent-rows";
import { createEnrollmentToken, listEnrollmentTokens, revokeEnrollmentToken } from "../fleet";
import {
  ZEnrollmentTokenView,
  ZLbServiceInput,
  ZLbServiceView,
  ZNewEnrollmentToken,
  ZPortForwardInput,
  ZPortForwardView,
  ZSiteListItem,
  ZSiteRef,
  ZSiteSettings,
  ZSiteView,
} from "./schemas";
import {
  createPortForward,
  createService,
  deletePortForward,
  deleteService,
  listPortForwards,
  listServices,
  updateServiceBackends,
} from "./services/site-services";
import { createSite, deleteSite, getSite, listSites, updateSite } from "./services/sites";

const ZSiteName = zText().trim().min(1, "Give the site a name").max(60);
const ZTag = zText().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "tags are lowercase letters, digits and -");

export const siteRouter = router({
  list: permissionProcedure("site.read")
    .input(orgInput({}))
    .output(z.array(ZSiteListItem))
    .query(({ ctx }) => listSites(ctx.tx, ctx.tenant.orgId)),

  get: permissionProcedure("site.read")
    .input(orgInput({ siteId: ZId }))
    .output(ZSiteView)
    .query(({ ctx, input }) => getSite(ctx.tx, ctx.tenant.orgId, input.siteId)),

  create: permissionProcedure("site.write")
    .input(
      orgInput({
        name: ZSiteName,
        description: zText().max(500).default(""),
        settings: ZSiteSettings.default({} as never),
      }),
    )
    .output(ZSiteRef)
    .mutation(({ ctx, input }) => createSite(ctx.tx, ctx.user, ctx.tenant, input)),

  update: permissionProcedure("site.write")
    .input(
      orgInput({
        siteId: ZId,
        name: ZSiteName.optional(),
        description: zText().max(500).optional(),
        settings: ZSiteSettings.optional(),
      }),
    )
    .output(ZSiteRef)
    .mutation(({ ctx, input }) => updateSite(ctx.tx, ctx.user, ctx.tenant, input)),

  delete: permissionProcedure("site.write")
    .input(orgInput({ siteId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) => deleteSite(ctx.tx, ctx.user, ctx.tenant, input.siteId)),

  tokens: permissionProcedure("site.write")
    .input(orgInput({ siteId: ZId }))
    .output(z.array(ZEnrollmentTokenView))
    .query(({ ctx, input }) => listEnrollmentTokens(ctx.tx, ctx.tenant.orgId, input.siteId)),

  createToken: permissionProcedure("site.write")
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
    .mutation(({ ctx, input }) => createEnrollmentToken(ctx.tx, ctx.user, ctx.tenant, input)),

  revokeToken: permissionProcedure("site.write")
    .input(orgInput({ tokenId: ZId }))
    .output(z.void())
    .mutation(({ ctx, input }) =>
      revokeEnrollmentToken(ctx.tx, ctx.user, ctx.tenant, input.tokenId),
    ),

  portForwards: permissionProcedure("site.read")
    .input(orgInput({ siteId: ZId }))
    .output(z.array(ZPortForwardView))
    .query(({ ctx, input }) => listPortForwards(ctx.tx, ctx.tenant.orgId, input.siteId)),

  createPortForward: permissionProcedure("policy.write")
    .input(orgInput(ZPortForwardInput.shape))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) => {
      const { orgSlug: _s, ...f } = input;
      return createPortForward(ctx.tx, ctx.user, ctx.tenant, f);
    }),

  deletePortForward: permissionProcedure("policy.write")
    .input(orgInput({ portForwardId: ZId }))
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) =>
      deletePortForward(ctx.tx, ctx.user, ctx.tenant, input.portForwardId),
    ),

  services: permissionProcedure("site.read")
    .input(orgInput({ siteId: ZId }))
    .output(z.array(ZLbServiceView))
    .query(({ ctx, input }) => listServices(ctx.tx, ctx.tenant.orgId, input.siteId)),

  createService: permissionProcedure("policy.write")
    .input(orgInput(ZLbServiceInput.shape))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) => {
      const { orgSlug: _s, ...s } = input;
      return createService(ctx.tx, ctx.user, ctx.tenant, s);
    }),

  updateServiceBackends: permissionProcedure("policy.write")
    .input(orgInput({ serviceId: ZId, backends: ZLbServiceInput.shape.backends }))
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) =>
      updateServiceBackends(ctx.tx, ctx.user, ctx.tenant, input.serviceId, input.backends),
    ),

  deleteService: permissionProcedure("policy.write")
    .input(orgInput({ serviceId: ZId }))
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) => deleteService(ctx.tx, ctx.user, ctx.tenant, input.serviceId)),
});

/** This domain's routers, keyed by their place in the API (server/api/root.ts). */
export const sitesRouters = { site: siteRouter };
