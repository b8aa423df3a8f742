// What operators may ask of a site, in the shapes the API accepts and the intent snapshot
// stores. The compiler (../compile) turns these into each device's DeviceConfig.
import { z } from "zod";
import { ZAction, ZCidr4, ZIfname, ZIpv4, ZPort, ZProto } from "../protocol";

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

/** An org's whole intent at one revision (stored in intent_snapshots). */
export const ZIntent = z.object({
  sites: z.array(z.object({ id: z.string(), name: z.string(), settings: ZSiteSettings })),
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
});
export type Intent = z.infer<typeof ZIntent>;
