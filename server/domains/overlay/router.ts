// The overlay (docs/overlay.md): intent (links, site roles, settings, classes, groups,
// steering policies, L2 segments) and the read views the portal draws. Thin: logic lives in
// server/domains/fleet/services/overlay-*.ts.
import { z } from "zod";
import { zText } from "../../../protocol/text";
import { orgInput, ZId } from "../../api/inputs";
import { permissionProcedure, router } from "../../api/trpc";
import { ZRevisionResult, ZWriteResult } from "../../platform/features/intent-rows";
import {
  ZAppClassInput,
  ZL2SegmentInput,
  ZOverlaySettingsInput,
  ZSiteOverlayInput,
  ZSlaClassInput,
  ZSteeringPolicyInput,
  ZUserGroupInput,
  ZWanLinkInput,
} from "./schemas";
import { createAppClass, deleteAppClass, listAppClasses, updateAppClass } from "./services/apps";
import {
  createUserGroup,
  deleteUserGroup,
  listUserGroups,
  updateUserGroup,
} from "./services/groups";
import { createLink, deleteLink, listLinks, updateLink } from "./services/links";
import {
  ZAppClassView,
  ZCascadeResult,
  ZIncidentView,
  ZL2SegmentView,
  ZOverlaySettingsView,
  ZPathSeriesView,
  ZSitePathsView,
  ZSlaClassView,
  ZSteeringPolicyView,
  ZTopologyView,
  ZUserGroupView,
  ZWanLinkView,
} from "./services/outputs";
import { createPolicy, deletePolicy, listPolicies, updatePolicy } from "./services/policies";
import { listIncidents, pathSeries, sitePaths, topology } from "./services/read";
import { createSegment, deleteSegment, listSegments, updateSegment } from "./services/segments";
import { getOverlaySettings, updateOverlaySettings } from "./services/settings";
import { updateSiteOverlay } from "./services/sites";
import { createSlaClass, deleteSlaClass, listSlaClasses, updateSlaClass } from "./services/sla";

/** A path id: two link ids joined by "~". */
const ZPathId = zText().min(3).max(130);

const settings = router({
  get: permissionProcedure("policy.read")
    .input(orgInput({}))
    .output(ZOverlaySettingsView)
    .query(({ ctx }) => getOverlaySettings(ctx.tx, ctx.tenant.orgId)),

  update: permissionProcedure("policy.write")
    .input(orgInput({ settings: ZOverlaySettingsInput }))
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) =>
      updateOverlaySettings(ctx.tx, ctx.user, ctx.tenant, input.settings),
    ),
});

const site = router({
  update: permissionProcedure("site.write")
    .input(orgInput({ site: ZSiteOverlayInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) => updateSiteOverlay(ctx.tx, ctx.user, ctx.tenant, input.site)),
});

const links = router({
  list: permissionProcedure("site.read")
    .input(orgInput({ siteId: ZId }))
    .output(z.array(ZWanLinkView))
    .query(({ ctx, input }) => listLinks(ctx.tx, ctx.tenant.orgId, input.siteId)),

  create: permissionProcedure("site.write")
    .input(orgInput({ link: ZWanLinkInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) => createLink(ctx.tx, ctx.user, ctx.tenant, input.link)),

  update: permissionProcedure("site.write")
    .input(orgInput({ linkId: ZId, link: ZWanLinkInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) =>
      updateLink(ctx.tx, ctx.user, ctx.tenant, input.linkId, input.link),
    ),

  delete: permissionProcedure("site.write")
    .input(orgInput({ linkId: ZId }))
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) => deleteLink(ctx.tx, ctx.user, ctx.tenant, input.linkId)),
});

const sla = router({
  list: permissionProcedure("policy.read")
    .input(orgInput({}))
    .output(z.array(ZSlaClassView))
    .query(({ ctx }) => listSlaClasses(ctx.tx, ctx.tenant.orgId)),

  create: permissionProcedure("policy.write")
    .input(orgInput({ sla: ZSlaClassInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) => createSlaClass(ctx.tx, ctx.user, ctx.tenant, input.sla)),

  update: permissionProcedure("policy.write")
    .input(orgInput({ slaId: ZId, sla: ZSlaClassInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) =>
      updateSlaClass(ctx.tx, ctx.user, ctx.tenant, input.slaId, input.sla),
    ),

  delete: permissionProcedure("policy.write")
    .input(orgInput({ slaId: ZId }))
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) => deleteSlaClass(ctx.tx, ctx.user, ctx.tenant, input.slaId)),
});

const apps = router({
  list: permissionProcedure("policy.read")
    .input(orgInput({}))
    .output(z.array(ZAppClassView))
    .query(({ ctx }) => listAppClasses(ctx.tx, ctx.tenant.orgId)),

  create: permissionProcedure("policy.write")
    .input(orgInput({ app: ZAppClassInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) => createAppClass(ctx.tx, ctx.user, ctx.tenant, input.app)),

  update: permissionProcedure("policy.write")
    .input(orgInput({ appId: ZId, app: ZAppClassInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) =>
      updateAppClass(ctx.tx, ctx.user, ctx.tenant, input.appId, input.app),
    ),

  delete: permissionProcedure("policy.write")
    .input(orgInput({ appId: ZId }))
    .output(ZCascadeResult)
    .mutation(({ ctx, input }) => deleteAppClass(ctx.tx, ctx.user, ctx.tenant, input.appId)),
});

const groups = router({
  list: permissionProcedure("policy.read")
    .input(orgInput({}))
    .output(z.array(ZUserGroupView))
    .query(({ ctx }) => listUserGroups(ctx.tx, ctx.tenant.orgId)),

  create: permissionProcedure("policy.write")
    .input(orgInput({ group: ZUserGroupInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) => createUserGroup(ctx.tx, ctx.user, ctx.tenant, input.group)),

  update: permissionProcedure("policy.write")
    .input(orgInput({ groupId: ZId, group: ZUserGroupInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) =>
      updateUserGroup(ctx.tx, ctx.user, ctx.tenant, input.groupId, input.group),
    ),

  delete: permissionProcedure("policy.write")
    .input(orgInput({ groupId: ZId }))
    .output(ZCascadeResult)
    .mutation(({ ctx, input }) => deleteUserGroup(ctx.tx, ctx.user, ctx.tenant, input.groupId)),
});

const policies = router({
  list: permissionProcedure("policy.read")
    .input(orgInput({}))
    .output(z.array(ZSteeringPolicyView))
    .query(({ ctx }) => listPolicies(ctx.tx, ctx.tenant.orgId)),

  create: permissionProcedure("policy.write")
    .input(orgInput({ policy: ZSteeringPolicyInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) => createPolicy(ctx.tx, ctx.user, ctx.tenant, input.policy)),

  update: permissionProcedure("policy.write")
    .input(orgInput({ policyId: ZId, policy: ZSteeringPolicyInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) =>
      updatePolicy(ctx.tx, ctx.user, ctx.tenant, input.policyId, input.policy),
    ),

  delete: permissionProcedure("policy.write")
    .input(orgInput({ policyId: ZId }))
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) => deletePolicy(ctx.tx, ctx.user, ctx.tenant, input.policyId)),
});

// Segments bridge interfaces of site boxes, as links name them: site.* like links.
const segments = router({
  list: permissionProcedure("site.read")
    .input(orgInput({}))
    .output(z.array(ZL2SegmentView))
    .query(({ ctx }) => listSegments(ctx.tx, ctx.tenant.orgId)),

  create: permissionProcedure("site.write")
    .input(orgInput({ segment: ZL2SegmentInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) => createSegment(ctx.tx, ctx.user, ctx.tenant, input.segment)),

  update: permissionProcedure("site.write")
    .input(orgInput({ segmentId: ZId, segment: ZL2SegmentInput }))
    .output(ZWriteResult)
    .mutation(({ ctx, input }) =>
      updateSegment(ctx.tx, ctx.user, ctx.tenant, input.segmentId, input.segment),
    ),

  delete: permissionProcedure("site.write")
    .input(orgInput({ segmentId: ZId }))
    .output(ZRevisionResult)
    .mutation(({ ctx, input }) => deleteSegment(ctx.tx, ctx.user, ctx.tenant, input.segmentId)),
});

export const overlayRouter = router({
  settings,
  site,
  links,
  sla,
  apps,
  groups,
  policies,
  segments,

  topology: permissionProcedure("site.read")
    .input(orgInput({}))
    .output(ZTopologyView)
    .query(({ ctx }) => topology(ctx.tx, ctx.tenant.orgId)),

  sitePaths: permissionProcedure("site.read")
    .input(orgInput({ siteId: ZId }))
    .output(ZSitePathsView)
    .query(({ ctx, input }) => sitePaths(ctx.tx, ctx.tenant.orgId, input.siteId)),

  pathSeries: permissionProcedure("site.read")
    .input(
      orgInput({
        siteId: ZId,
        pathId: ZPathId,
        minutes: z.number().int().min(1).max(1440).default(15),
      }),
    )
    .output(ZPathSeriesView)
    .query(({ ctx, input }) =>
      pathSeries(ctx.tx, ctx.tenant.orgId, input.siteId, input.pathId, input.minutes),
    ),

  incidents: permissionProcedure("site.read")
    .input(
      orgInput({
        siteId: ZId.optional(),
        limit: z.number().int().min(1).max(200).default(50),
        /** Only incidents strictly before this instant (paging: the last one's `at`). */
        before: z.iso.datetime({ offset: true }).optional(),
      }),
    )
    .output(z.array(ZIncidentView))
    .query(({ ctx, input }) =>
      listIncidents(ctx.tx, ctx.tenant.orgId, {
        siteId: input.siteId,
        limit: input.limit,
        before: input.before ? new Date(input.before) : undefined,
      }),
    ),
});

/** This domain's routers, keyed by their place in the API (server/api/root.ts). */
export const overlayRouters = { overlay: overlayRouter };
