import { z } from "zod";
import { zText } from "../../../protocol/text";
import { ifMatch } from "../../api/conditional";
import { orgInput, ZId } from "../../api/inputs";
import { permissionProcedure, replicaProcedure, rest, router } from "../../api/trpc";
import { page, pageInput } from "../../platform/pagination";
import { installTokens } from "./routers/install-tokens";
import { portForwards, services } from "./routers/site-services";
import { ZSiteListItem, ZSiteRef, ZSiteSettings, ZSiteView } from "./schemas";
import { createSite, deleteSite, getSite, listSites, updateSite } from "./services/sites";

import { ZNewSiteBasics, ZSiteName } from "./site-fields";

/** If-Match on a site's changes: compared with the ETag of GET …/sites/{siteId}. */
const siteUnchanged = ifMatch(
  ZSiteView,
  (tx, orgId, input: { siteId: string }) => getSite(tx, orgId, input.siteId),
  (input) => input.siteId,
);

export const siteRouter = router({
  list: replicaProcedure("site.read", rest("GET /orgs/{orgSlug}/sites"))
    .input(orgInput({ ...pageInput(["name", "createdAt"]), q: zText().max(60).optional() }))
    .output(page(ZSiteListItem))
    .query(({ ctx, input }) => listSites(ctx.tx, ctx.tenant.orgId, input)),

  get: permissionProcedure("site.read", rest("GET /orgs/{orgSlug}/sites/{siteId}"))
    .input(orgInput({ siteId: ZId }))
    .output(ZSiteView)
    .query(({ ctx, input }) => getSite(ctx.tx, ctx.tenant.orgId, input.siteId)),

  create: permissionProcedure("site.write", rest("POST /orgs/{orgSlug}/sites", 201))
    .input(
      orgInput({
        ...ZNewSiteBasics.shape,
        settings: ZSiteSettings.default({} as never),
      }),
    )
    .output(ZSiteRef)
    .mutation(({ ctx, input }) => createSite(ctx.tx, ctx.principal, ctx.tenant, input)),

  update: permissionProcedure("site.write", rest("PATCH /orgs/{orgSlug}/sites/{siteId}"))
    .input(
      orgInput({
        siteId: ZId,
        name: ZSiteName.optional(),
        description: zText().max(500).optional(),
        settings: ZSiteSettings.optional(),
      }),
    )
    .use(siteUnchanged)
    .output(ZSiteRef)
    .mutation(({ ctx, input }) => updateSite(ctx.tx, ctx.principal, ctx.tenant, input)),

  delete: permissionProcedure("site.write", rest("DELETE /orgs/{orgSlug}/sites/{siteId}", 204))
    .input(orgInput({ siteId: ZId }))
    .use(siteUnchanged)
    .output(z.void())
    .mutation(({ ctx, input }) => deleteSite(ctx.tx, ctx.principal, ctx.tenant, input.siteId)),

  ...installTokens,
  ...portForwards,
  ...services,
});

/** This domain's routers, keyed by their place in the API (server/api/root.ts). */
export const sitesRouters = { site: siteRouter };
