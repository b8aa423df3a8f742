// The overlay's network intent: the org's settings, each site's role, its WAN links, and
// L2 segments. Links and segments name site boxes' interfaces, so they are site.* like links.
import { zText } from "../../../../protocol/text";
import { ifMatch } from "../../../api/conditional";
import { orgInput, orgInputOf, patched, patchShape, ZId } from "../../../api/inputs";
import { restTag } from "../../../api/rest-tag";
import { permissionProcedure, router } from "../../../api/trpc";
import { ZRevisionResult, ZWriteResult } from "../../../platform/features/intent-rows";
import { named } from "../../../platform/list-filters";
import { page, pageInMemory, pageInput } from "../../../platform/pagination";
import {
  ZL2SegmentInput,
  ZOverlaySettingsInput,
  ZSiteOverlayInput,
  ZWanLinkInput,
} from "../schemas";
import { createLink, deleteLink, getLink, listLinks, updateLink } from "../services/links";
import { ZL2SegmentView, ZOverlaySettingsView, ZWanLinkView } from "../services/outputs";
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  updateSegment,
} from "../services/segments";
import { getOverlaySettings, updateOverlaySettings } from "../services/settings";
import { updateSiteOverlay } from "../services/sites";

const ZNameQuery = zText().max(60).optional();
const settingsRoute = restTag("Overlay settings");
/** If-Match on changes: compared with the ETag of GET …/overlay-settings. */
const settingsUnchanged = ifMatch(
  ZOverlaySettingsView,
  (tx, orgId) => getOverlaySettings(tx, orgId),
  () => "overlay-settings",
);

export const settings = router({
  get: permissionProcedure("policy.read", settingsRoute("GET /orgs/{orgSlug}/overlay-settings"))
    .input(orgInput({}))
    .output(ZOverlaySettingsView)
    .query(({ ctx }) => getOverlaySettings(ctx.tx, ctx.tenant.orgId)),

  update: permissionProcedure(
    "policy.write",
    settingsRoute("PATCH /orgs/{orgSlug}/overlay-settings"),
  )
    .input(orgInput(patchShape(ZOverlaySettingsInput.shape)))
    .use(settingsUnchanged)
    .output(ZRevisionResult)
    .mutation(async ({ ctx, input }) => {
      const current = await getOverlaySettings(ctx.tx, ctx.tenant.orgId);
      const settings = patched(ZOverlaySettingsInput, current, input);
      return updateOverlaySettings(ctx.tx, ctx.principal, ctx.tenant, settings);
    }),
});

export const site = router({
  // Set whole: a site's role and the prefixes behind it go together.
  update: permissionProcedure(
    "site.write",
    restTag("Sites")("PUT /orgs/{orgSlug}/sites/{siteId}/overlay"),
  )
    .input(orgInputOf(ZSiteOverlayInput))
    .output(ZWriteResult)
    .mutation(({ ctx, input: { orgSlug: _o, ...site } }) =>
      updateSiteOverlay(ctx.tx, ctx.principal, ctx.tenant, site),
    ),
});

const linkRoute = restTag("WAN links");
/** If-Match on changes: compared with the ETag of the object's GET. */
const linkUnchanged = ifMatch(
  ZWanLinkView,
  (tx, orgId, input: { linkId: string }) => getLink(tx, orgId, input.linkId),
  (input) => input.linkId,
);
export const links = router({
  list: permissionProcedure("site.read", linkRoute("GET /orgs/{orgSlug}/sites/{siteId}/wan-links"))
    .input(orgInput({ siteId: ZId, ...pageInput(["name", "createdAt"]), q: ZNameQuery }))
    .output(page(ZWanLinkView))
    .query(({ ctx, input }) => listLinks(ctx.tx, ctx.tenant.orgId, input.siteId, input)),

  get: permissionProcedure("site.read", linkRoute("GET /orgs/{orgSlug}/wan-links/{linkId}"))
    .input(orgInput({ linkId: ZId }))
    .output(ZWanLinkView)
    .query(({ ctx, input }) => getLink(ctx.tx, ctx.tenant.orgId, input.linkId)),

  create: permissionProcedure(
    "site.write",
    linkRoute("POST /orgs/{orgSlug}/sites/{siteId}/wan-links", 201),
  )
    .input(orgInputOf(ZWanLinkInput))
    .output(ZWriteResult)
    .mutation(({ ctx, input: { orgSlug: _o, ...link } }) =>
      createLink(ctx.tx, ctx.principal, ctx.tenant, link),
    ),

  // siteId may be sent, but only as the link's own site: a link does not move.
  update: permissionProcedure("site.write", linkRoute("PATCH /orgs/{orgSlug}/wan-links/{linkId}"))
    .input(orgInput({ linkId: ZId, ...patchShape(ZWanLinkInput.shape) }))
    .use(linkUnchanged)
    .output(ZWriteResult)
    .mutation(async ({ ctx, input }) => {
      const current = await getLink(ctx.tx, ctx.tenant.orgId, input.linkId);
      const link = patched(ZWanLinkInput, current, input);
      return updateLink(ctx.tx, ctx.principal, ctx.tenant, input.linkId, link);
    }),

  delete: permissionProcedure("site.write", linkRoute("DELETE /orgs/{orgSlug}/wan-links/{linkId}"))
    .input(orgInput({ linkId: ZId }))
    .use(linkUnchanged)
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) => deleteLink(ctx.tx, ctx.principal, ctx.tenant, input.linkId)),
});

const segmentRoute = restTag("L2 segments");
/** If-Match on changes: compared with the ETag of the object's GET. */
const segmentUnchanged = ifMatch(
  ZL2SegmentView,
  (tx, orgId, input: { segmentId: string }) => getSegment(tx, orgId, input.segmentId),
  (input) => input.segmentId,
);
export const segments = router({
  list: permissionProcedure("site.read", segmentRoute("GET /orgs/{orgSlug}/l2-segments"))
    .input(
      orgInput({
        ...pageInput(["vni", "name"]),
        q: ZNameQuery,
        /** The segments this site is a member of. */
        siteId: ZId.optional(),
      }),
    )
    .output(page(ZL2SegmentView))
    .query(async ({ ctx, input }) => {
      const all = named(await listSegments(ctx.tx, ctx.tenant.orgId), input.q);
      const kept = input.siteId
        ? all.filter((s) => s.members.some((m) => m.siteId === input.siteId))
        : all;
      return pageInMemory(kept, input);
    }),

  get: permissionProcedure("site.read", segmentRoute("GET /orgs/{orgSlug}/l2-segments/{segmentId}"))
    .input(orgInput({ segmentId: ZId }))
    .output(ZL2SegmentView)
    .query(({ ctx, input }) => getSegment(ctx.tx, ctx.tenant.orgId, input.segmentId)),

  create: permissionProcedure("site.write", segmentRoute("POST /orgs/{orgSlug}/l2-segments", 201))
    .input(orgInputOf(ZL2SegmentInput))
    .output(ZWriteResult)
    .mutation(({ ctx, input: { orgSlug: _o, ...segment } }) =>
      createSegment(ctx.tx, ctx.principal, ctx.tenant, segment),
    ),

  update: permissionProcedure(
    "site.write",
    segmentRoute("PATCH /orgs/{orgSlug}/l2-segments/{segmentId}"),
  )
    .input(orgInput({ segmentId: ZId, ...patchShape(ZL2SegmentInput.shape) }))
    .use(segmentUnchanged)
    .output(ZWriteResult)
    .mutation(async ({ ctx, input }) => {
      const current = await getSegment(ctx.tx, ctx.tenant.orgId, input.segmentId);
      const segment = patched(ZL2SegmentInput, current, input);
      return updateSegment(ctx.tx, ctx.principal, ctx.tenant, input.segmentId, segment);
    }),

  delete: permissionProcedure(
    "site.write",
    segmentRoute("DELETE /orgs/{orgSlug}/l2-segments/{segmentId}"),
  )
    .input(orgInput({ segmentId: ZId }))
    .use(segmentUnchanged)
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) =>
      deleteSegment(ctx.tx, ctx.principal, ctx.tenant, input.segmentId),
    ),
});
