// What operators may ask of the overlay, in the shapes the API accepts (docs/overlay.md).
// The compiler (../overlay/compile-overlay.ts) turns them into each device's `overlay`.
import { z } from "zod";
import {
  ZAppMatch,
  ZCidr4,
  ZIfname,
  ZIpv4,
  ZLinkKind,
  ZOnViolation,
  ZSiteRole,
} from "../../../protocol";
import { zText } from "../../../protocol/text";

const name = zText().trim().min(1).max(60);
const idRef = zText().min(1).max(64);

export const ZWanLinkInput = z.strictObject({
  siteId: idRef,
  name,
  kind: ZLinkKind,
  interface: ZIfname,
  gateway: ZIpv4.nullable().default(null),
  publicAddress: ZIpv4.nullable().default(null),
  cost: z.number().int().min(0).max(10_000).default(10),
  upMbps: z.number().int().min(1).max(1_000_000).default(100),
  downMbps: z.number().int().min(1).max(1_000_000).default(100),
  metered: z.boolean().default(false),
  enabled: z.boolean().default(true),
});
export type WanLinkInput = z.infer<typeof ZWanLinkInput>;

/** A site's place in the overlay (sites are made in the sites API; this sets overlay fields). */
export const ZSiteOverlayInput = z.strictObject({
  siteId: idRef,
  role: ZSiteRole,
  prefixes: z.array(ZCidr4).max(64),
});

export const ZOverlaySettingsInput = z
  .strictObject({
    topology: z.enum(["hub_spoke", "full_mesh", "partial_mesh"]),
    /** partial_mesh: the site pairs that get tunnels. */
    sitePairs: z
      .array(z.strictObject({ a: idRef, b: idRef }))
      .max(10_000)
      .default([]),
    probeIntervalMs: z.number().int().min(20).max(10_000).default(100),
    holdDownSeconds: z.number().int().min(0).max(3600).default(30),
  })
  .refine((s) => s.sitePairs.every((p) => p.a !== p.b), {
    message: "a site cannot pair with itself",
    path: ["sitePairs"],
  });
export type OverlaySettingsInput = z.infer<typeof ZOverlaySettingsInput>;

export const ZSlaClassInput = z.strictObject({
  name,
  maxLatencyMs: z.number().int().min(1).max(10_000),
  maxJitterMs: z.number().int().min(0).max(10_000),
  maxLossPct: z.number().min(0).max(100),
});
export type SlaClassInput = z.infer<typeof ZSlaClassInput>;

export const ZAppClassInput = z.strictObject({
  name,
  kind: z.enum(["voice", "video", "interactive", "saas", "bulk", "default", "custom"]),
  /** The data plane's app id; omitted: the lowest free one. */
  number: z.number().int().min(1).max(250).optional(),
  dscp: z.number().int().min(0).max(63).nullable().default(null),
  match: z.array(ZAppMatch).max(64).default([]),
  slaClassId: idRef.nullable().default(null),
});
export type AppClassInput = z.infer<typeof ZAppClassInput>;

export const ZUserGroupInput = z.strictObject({
  name,
  prefixes: z.array(ZCidr4).min(1).max(64),
});
export type UserGroupInput = z.infer<typeof ZUserGroupInput>;

/** A preferred path: to a site, optionally over a given local and/or remote link (by name). */
export const ZPathPreference = z.strictObject({
  siteId: idRef,
  localLink: name.optional(),
  remoteLink: name.optional(),
});
export type PathPreference = z.infer<typeof ZPathPreference>;

export const ZSteeringPolicyInput = z
  .strictObject({
    name: zText().trim().min(1).max(100),
    priority: z.number().int().min(0).max(100_000),
    siteId: idRef.nullable().default(null),
    appClassId: idRef.nullable().default(null),
    userGroupId: idRef.nullable().default(null),
    srcPrefixes: z.array(ZCidr4).max(64).default([]),
    preferred: z.array(ZPathPreference).max(16).default([]),
    slaClassId: idRef.nullable().default(null),
    onViolation: ZOnViolation.default("best_effort"),
    enabled: z.boolean().default(true),
  })
  .refine((p) => p.appClassId || p.userGroupId || p.srcPrefixes.length > 0, {
    message: "a policy needs an application class, a user group or source prefixes",
    path: ["appClassId"],
  });
export type SteeringPolicyInput = z.infer<typeof ZSteeringPolicyInput>;

/** VXLAN's 24-bit network identifier (0 is reserved). */
export const MAX_VNI = 16_777_215;

/**
 * An L2 segment: the member sites' LAN-side interfaces bridged over VXLAN in the tunnels
 * (docs/overlay.md, "L2 segments"). One interface per site; the interface is the box's
 * and given to the segment whole (it is enslaved to a bridge).
 */
export const ZL2SegmentInput = z
  .strictObject({
    name,
    vni: z.number().int().min(1).max(MAX_VNI),
    members: z
      .array(z.strictObject({ siteId: idRef, interface: ZIfname }))
      .min(1)
      .max(256),
  })
  .refine((s) => new Set(s.members.map((m) => m.siteId)).size === s.members.length, {
    message: "a site can be a member only once",
    path: ["members"],
  });
export type L2SegmentInput = z.infer<typeof ZL2SegmentInput>;
