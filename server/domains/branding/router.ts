import { z } from "zod";
import { ifMatch } from "../../api/conditional";
import { orgInput, orgInputOf } from "../../api/inputs";
import { restTag } from "../../api/rest-tag";
import { permissionProcedure, router } from "../../api/trpc";
import { ZBrandFields, ZImageBase64, ZImageSlot, ZTemplateInput, ZTemplateKind } from "./schemas";
import { getBrandView, updateBrand } from "./services/brand";
import { listTemplates, resetTemplate, updateTemplate } from "./services/email-templates";
import { removeBrandImage, uploadBrandImage } from "./services/images";
import { previewTemplate } from "./services/preview";
import { ZBrandView, ZTemplatePreview, ZTemplateView } from "./views";

const brandRoute = restTag("Brand");
const templateRoute = restTag("Email templates");

/** If-Match on changes: compared with the ETag of GET …/brand. */
const brandUnchanged = ifMatch(
  ZBrandView,
  (tx, orgId) => getBrandView(tx, orgId),
  () => "brand",
);

export const templatesRouter = router({
  list: permissionProcedure("brand.read", templateRoute("GET /orgs/{orgSlug}/email-templates"))
    .input(orgInput({}))
    .output(z.array(ZTemplateView))
    .query(({ ctx }) => listTemplates(ctx.tx, ctx.tenant.orgId)),

  update: permissionProcedure(
    "brand.update",
    templateRoute("PUT /orgs/{orgSlug}/email-templates/{kind}"),
  )
    .input(orgInputOf(ZTemplateInput))
    .output(ZTemplateView)
    .mutation(({ ctx, input: { orgSlug: _o, ...template } }) =>
      updateTemplate(ctx.tx, ctx.principal, ctx.tenant.orgId, template),
    ),

  reset: permissionProcedure(
    "brand.update",
    templateRoute("DELETE /orgs/{orgSlug}/email-templates/{kind}"),
  )
    .input(orgInput({ kind: ZTemplateKind }))
    .output(ZTemplateView)
    .mutation(({ ctx, input }) =>
      resetTemplate(ctx.tx, ctx.principal, ctx.tenant.orgId, input.kind),
    ),
});

export const brandRouter = router({
  get: permissionProcedure("brand.read", brandRoute("GET /orgs/{orgSlug}/brand"))
    .input(orgInput({}))
    .output(ZBrandView)
    .query(({ ctx }) => getBrandView(ctx.tx, ctx.tenant.orgId)),

  update: permissionProcedure("brand.update", brandRoute("PATCH /orgs/{orgSlug}/brand"))
    .input(orgInput(ZBrandFields.partial().shape))
    .use(brandUnchanged)
    .output(ZBrandView)
    .mutation(({ ctx, input: { orgSlug: _o, ...patch } }) =>
      updateBrand(ctx.tx, ctx.principal, ctx.tenant.orgId, patch),
    ),

  uploadImage: permissionProcedure(
    "brand.update",
    brandRoute("PUT /orgs/{orgSlug}/brand/images/{slot}"),
  )
    .input(orgInput({ slot: ZImageSlot, dataBase64: ZImageBase64 }))
    .output(ZBrandView)
    .mutation(({ ctx, input }) =>
      uploadBrandImage(ctx.tx, ctx.principal, ctx.tenant.orgId, input.slot, input.dataBase64),
    ),

  removeImage: permissionProcedure(
    "brand.update",
    brandRoute("DELETE /orgs/{orgSlug}/brand/images/{slot}"),
  )
    .input(orgInput({ slot: ZImageSlot }))
    .output(ZBrandView)
    .mutation(({ ctx, input }) =>
      removeBrandImage(ctx.tx, ctx.principal, ctx.tenant.orgId, input.slot),
    ),

  templates: templatesRouter,

  /** A template as a mail of this org would read, with sample values (checked, not saved). */
  previewTemplate: permissionProcedure(
    "brand.read",
    templateRoute("POST /orgs/{orgSlug}/email-templates/{kind}/preview"),
  )
    .input(orgInputOf(ZTemplateInput))
    .output(ZTemplatePreview)
    .mutation(({ ctx, input: { orgSlug: _o, ...template } }) =>
      previewTemplate(ctx.tx, ctx.tenant.orgId, template),
    ),
});

/** This domain's routers, keyed by their place in the API (server/api/root.ts). */
export const brandingRouters = { brand: brandRouter };
