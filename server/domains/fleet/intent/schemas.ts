// What operators may ask of a site, in the shapes the API accepts and the intent snapshot
// stores. The compiler (../compile) turns these into each device's DeviceConfig.
import { z } from "zod";
import {
  ZAction,
  ZAppMatch,
  ZCidr4,
  ZIfname,
  ZIpv4,
  ZLinkKind,
  ZPort,
  ZProto,
  ZSiteRole,
} from "../../../../protocol";

export const ZSiteSettings = z.strictObject({
  wan: ZIfname.default("eth0"),
  lan: ZIfname.default("eth1"),
  /** Public address of the WAN link: the address port forwards listen on. */
  wanAddress: ZIpv4.optional(),
  wanIngress: z.enum(["native", "generic", "tc"]).default("generic"),
  defaultAction: ZAction.default("allow"),
  /** Source NAT of the LAN prefix to the WAN address. */
  snat: z.strictObject({ from: ZCidr4, to: ZIpv4 }).optional(),
});
export type SiteSettings = z.infer<typeof ZSiteSettings>;
export const DEFAULT_SITE_SETTINGS: SiteSettings = ZSiteSettings.parse({});

const portRange = z
  .strictObject({ lo: ZPort, hi: ZPort })
  .refine((r) => r.lo <= r.hi, "the first port must not be above the last");

export const ZRuleInput = z
  .strictObject({
    siteId: z.string().max(64).nullable().default(null),
    priority: z.number().int().min(0).max(100000),
    action: ZAction,
    src: ZCidr4,
    dst: ZCidr4,
    proto: ZProto.default("any"),
    ports: portRange.nullable().default(null),
    description: z.string().max(200).default(""),
  })
  .refine((r) => !r.ports || r.proto === "tcp" || r.proto === "udp", {
    message: "ports apply only to tcp or udp",
    path: ["ports"],
  });
export type RuleInput = z.infer<typeof ZRuleInput>;

export const ZPortForwardInput = z.strictObject({
  siteId: z.string().max(64),
  proto: z.enum(["tcp", "udp"]),
  port: ZPort,
  toAddr: ZIpv4,
  toPort: ZPort,
  description: z.string().max(200).default(""),
});

export const ZLbServiceInput = z.strictObject({
  siteId: z.string().max(64),
  name: z.string().trim().min(1).max(60),
  vip: ZIpv4,
  port: ZPort,
  proto: z.enum(["tcp", "udp"]),
  backends: z
    .array(z.strictObject({ addr: ZIpv4, port: ZPort }))
    .min(1)
    .max(64),
});

/** The overlay part of an org's intent (rows as stored; see overlay-schemas.ts for inputs). */
export const ZOverlayIntent = z.object({
  settings: z.object({
    topology: z.enum(["hub_spoke", "full_mesh", "partial_mesh"]),
    sitePairs: z.array(z.object({ a: z.string(), b: z.string() })),
    probeIntervalMs: z.number(),
    holdDownSeconds: z.number(),
  }),
  links: z.array(
    z.object({
      id: z.string(),
      siteId: z.string(),
      name: z.string(),
      kind: ZLinkKind,
      interface: z.string(),
      gateway: z.string().nullable(),
      publicAddress: z.string().nullable(),
      cost: z.number(),
      upMbps: z.number(),
      downMbps: z.number(),
      metered: z.boolean(),
      enabled: z.boolean(),
    }),
  ),
  slaClasses: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      maxLatencyMs: z.number(),
      maxJitterMs: z.number(),
      maxLossPct: z.number(),
    }),
  ),
  appClasses: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(["voice", "video", "interactive", "saas", "bulk", "default", "custom"]),
      number: z.number(),
      dscp: z.number().nullable(),
      match: z.array(ZAppMatch),
      slaClassId: z.string().nullable(),
    }),
  ),
  userGroups: z.array(
    z.object({ id: z.string(), name: z.string(), prefixes: z.array(z.string()) }),
  ),
  policies: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      priority: z.number(),
      siteId: z.string().nullable(),
      appClassId: z.string().nullable(),
      userGroupId: z.string().nullable(),
      srcPrefixes: z.array(z.string()),
      preferred: z.array(
        z.object({
          siteId: z.string(),
          localLink: z.string().optional(),
          remoteLink: z.string().optional(),
        }),
      ),
      slaClassId: z.string().nullable(),
      onViolation: z.enum(["best_effort", "hold"]),
      enabled: z.boolean(),
    }),
  ),
  /** L2 segments (VXLAN over the tunnels); snapshots from before they existed have none. */
  segments: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        vni: z.number(),
        members: z.array(z.object({ siteId: z.string(), interface: z.string() })),
      }),
    )
    .default([]),
});
export type OverlayIntent = z.infer<typeof ZOverlayIntent>;
export const EMPTY_OVERLAY_INTENT: OverlayIntent = {
  settings: { topology: "full_mesh", sitePairs: [], probeIntervalMs: 100, holdDownSeconds: 30 },
  links: [],
  slaClasses: [],
  appClasses: [],
  userGroups: [],
  policies: [],
  segments: [],
};

/** An org's whole intent at one revision (stored in intent_snapshots). */
export const ZIntent = z.object({
  sites: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      settings: ZSiteSettings,
      role: ZSiteRole.default("edge"),
      prefixes: z.array(z.string()).default([]),
    }),
  ),
  rules: z.array(
    z.object({
      id: z.string(),
      siteId: z.string().nullable(),
      priority: z.number(),
      action: ZAction,
      src: z.string(),
      dst: z.string(),
      proto: ZProto,
      portLo: z.number().nullable(),
      portHi: z.number().nullable(),
      description: z.string(),
    }),
  ),
  portForwards: z.array(
    z.object({
      id: z.string(),
      siteId: z.string(),
      proto: z.enum(["tcp", "udp"]),
      port: z.number(),
      toAddr: z.string(),
      toPort: z.number(),
      description: z.string(),
    }),
  ),
  services: z.array(
    z.object({
      id: z.string(),
      siteId: z.string(),
      name: z.string(),
      vip: z.string(),
      port: z.number(),
      proto: z.enum(["tcp", "udp"]),
      backends: z.array(z.object({ addr: z.string(), port: z.number() })),
    }),
  ),
  /** Snapshots from before the overlay existed have none. */
  overlay: ZOverlayIntent.default(EMPTY_OVERLAY_INTENT),
});
export type Intent = z.infer<typeof ZIntent>;
