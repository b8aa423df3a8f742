// Output schemas of the `overlay` router: the rows the list procedures return (the same
// shapes the intent snapshot stores, plus usage counts) and the four read views. Typed
// against overlay-views.ts, so the views and their schemas cannot drift apart.
import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { ZOverlayIntent } from "../intent-schema";
import type {
  IncidentView,
  PathHealth,
  PathSeriesView,
  SitePathsView,
  TopologyView,
} from "./views";

const intent = ZOverlayIntent.shape;

export const ZOverlaySettingsView = intent.settings;
export const ZSiteOverlayView = z.object({
  id: zText(),
  role: z.enum(["edge", "hub", "cloud_gateway"]),
  prefixes: z.array(zText()),
});
export const ZWanLinkView = intent.links.element;
/** inUse: app classes and policies that name this SLA class. */
export const ZSlaClassView = intent.slaClasses.element.extend({ inUse: z.number() });
/** policies: steering policies that go when the class (or group) is deleted. */
export const ZAppClassView = intent.appClasses.element.extend({ policies: z.number() });
export const ZUserGroupView = intent.userGroups.element.extend({ policies: z.number() });
export const ZSteeringPolicyView = intent.policies.element;
export const ZL2SegmentView = intent.segments.unwrap().element;

/** Deleting an app class or a user group deletes the policies that use it. */
export const ZCascadeResult = z.object({ revision: z.number(), policiesDeleted: z.number() });

const ZHealth: z.ZodType<PathHealth> = z.enum(["up", "degraded", "down", "unknown"]);
const metric = z.number().nullable();
const siteRef = z.object({ id: zText(), name: zText() });

export const ZTopologyView: z.ZodType<TopologyView> = z.object({
  topology: z.enum(["hub_spoke", "full_mesh", "partial_mesh"]),
  sites: z.array(
    z.object({
      id: zText(),
      name: zText(),
      role: z.enum(["edge", "hub", "cloud_gateway"]),
      online: z.boolean(),
      devicesOnline: z.number(),
      devices: z.number(),
      links: z.array(z.object({ id: zText(), name: zText(), kind: zText() })),
    }),
  ),
  edges: z.array(
    z.object({
      id: zText(),
      a: zText(),
      b: zText(),
      health: ZHealth,
      paths: z.array(
        z.object({
          id: zText(),
          aLink: zText(),
          bLink: zText(),
          health: ZHealth,
          latencyMs: metric,
          jitterMs: metric,
          lossPct: metric,
          classes: z.array(zText()),
        }),
      ),
    }),
  ),
  measuredAt: zText().nullable(),
});

export const ZSitePathsView: z.ZodType<SitePathsView> = z.object({
  site: z.object({
    id: zText(),
    name: zText(),
    role: zText(),
    prefixes: z.array(zText()),
  }),
  links: z.array(
    z.object({
      id: zText(),
      name: zText(),
      kind: zText(),
      interface: zText(),
      cost: z.number(),
      metered: z.boolean(),
      upMbps: z.number(),
      downMbps: z.number(),
    }),
  ),
  paths: z.array(
    z.object({
      id: zText(),
      localLink: zText(),
      remoteSite: siteRef,
      remoteLink: zText(),
      health: ZHealth,
      tunnel: z.enum(["up", "down", "unknown"]),
      latencyMs: metric,
      jitterMs: metric,
      lossPct: metric,
      mos: metric,
      at: zText().nullable(),
    }),
  ),
  selection: z.array(
    z.object({
      unit: zText(),
      unitName: zText(),
      remoteSite: siteRef,
      pathId: zText().nullable(),
      since: zText(),
    }),
  ),
});

export const ZPathSeriesView: z.ZodType<PathSeriesView> = z.object({
  pathId: zText(),
  points: z.array(
    z.object({
      at: zText(),
      latencyMs: metric,
      jitterMs: metric,
      lossPct: metric,
      mos: metric,
      up: z.boolean(),
    }),
  ),
});

export const ZIncidentView: z.ZodType<IncidentView> = z.object({
  id: zText(),
  at: zText(),
  kind: zText(),
  unitName: zText(),
  remoteSite: siteRef.nullable(),
  fromPath: zText().nullable(),
  toPath: zText().nullable(),
  reason: zText(),
  device: z.object({ id: zText(), hostname: zText() }),
});
