// Output schemas of the `overlay` router: the rows the list procedures return (the same
// shapes the intent snapshot stores, plus usage counts) and the four read views. Typed
// against overlay-views.ts, so the views and their schemas cannot drift apart.
import { z } from "zod";
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
  id: z.string(),
  role: z.enum(["edge", "hub", "cloud_gateway"]),
  prefixes: z.array(z.string()),
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
const siteRef = z.object({ id: z.string(), name: z.string() });

export const ZTopologyView: z.ZodType<TopologyView> = z.object({
  topology: z.enum(["hub_spoke", "full_mesh", "partial_mesh"]),
  sites: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      role: z.enum(["edge", "hub", "cloud_gateway"]),
      online: z.boolean(),
      devicesOnline: z.number(),
      devices: z.number(),
      links: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string() })),
    }),
  ),
  edges: z.array(
    z.object({
      id: z.string(),
      a: z.string(),
      b: z.string(),
      health: ZHealth,
      paths: z.array(
        z.object({
          id: z.string(),
          aLink: z.string(),
          bLink: z.string(),
          health: ZHealth,
          latencyMs: metric,
          jitterMs: metric,
          lossPct: metric,
          classes: z.array(z.string()),
        }),
      ),
    }),
  ),
  measuredAt: z.string().nullable(),
});

export const ZSitePathsView: z.ZodType<SitePathsView> = z.object({
  site: z.object({
    id: z.string(),
    name: z.string(),
    role: z.string(),
    prefixes: z.array(z.string()),
  }),
  links: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.string(),
      interface: z.string(),
      cost: z.number(),
      metered: z.boolean(),
      upMbps: z.number(),
      downMbps: z.number(),
    }),
  ),
  paths: z.array(
    z.object({
      id: z.string(),
      localLink: z.string(),
      remoteSite: siteRef,
      remoteLink: z.string(),
      health: ZHealth,
      tunnel: z.enum(["up", "down", "unknown"]),
      latencyMs: metric,
      jitterMs: metric,
      lossPct: metric,
      mos: metric,
      at: z.string().nullable(),
    }),
  ),
  selection: z.array(
    z.object({
      unit: z.string(),
      unitName: z.string(),
      remoteSite: siteRef,
      pathId: z.string().nullable(),
      since: z.string(),
    }),
  ),
});

export const ZPathSeriesView: z.ZodType<PathSeriesView> = z.object({
  pathId: z.string(),
  points: z.array(
    z.object({
      at: z.string(),
      latencyMs: metric,
      jitterMs: metric,
      lossPct: metric,
      mos: metric,
      up: z.boolean(),
    }),
  ),
});

export const ZIncidentView: z.ZodType<IncidentView> = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.string(),
  unitName: z.string(),
  remoteSite: siteRef.nullable(),
  fromPath: z.string().nullable(),
  toPath: z.string().nullable(),
  reason: z.string(),
  device: z.object({ id: z.string(), hostname: z.string() }),
});
