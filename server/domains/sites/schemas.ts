// What operators may ask of a site, in the shapes the API accepts and the intent snapshot
// stores. The compiler sections (./compile.ts) turn them into each device's config.
import { z } from "zod";
import { ZAction, ZCidr4, ZIfname, ZIpv4, ZPort, ZSiteRole } from "../../../protocol";

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

/** Sites as the intent snapshot stores them (role and prefixes are the overlay's). */
export const ZSitesIntent = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    settings: ZSiteSettings,
    role: ZSiteRole.default("edge"),
    prefixes: z.array(z.string()).default([]),
  }),
);
export type SitesIntent = z.infer<typeof ZSitesIntent>;

export const ZPortForwardsIntent = z.array(
  z.object({
    id: z.string(),
    siteId: z.string(),
    proto: z.enum(["tcp", "udp"]),
    port: z.number(),
    toAddr: z.string(),
    toPort: z.number(),
    description: z.string(),
  }),
);
export type PortForwardsIntent = z.infer<typeof ZPortForwardsIntent>;

export const ZServicesIntent = z.array(
  z.object({
    id: z.string(),
    siteId: z.string(),
    name: z.string(),
    vip: z.string(),
    port: z.number(),
    proto: z.enum(["tcp", "udp"]),
    backends: z.array(z.object({ addr: z.string(), port: z.number() })),
  }),
);
export type ServicesIntent = z.infer<typeof ZServicesIntent>;

// Output schemas of the `site` router: what each procedure returns, no more (an output
// schema strips unknown keys, and never names a secret's hash).

/** A site as `site.get` returns it. */
export const ZSiteView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  settings: ZSiteSettings,
  createdAt: z.date(),
});
/** A row of `site.list`: the site and how many of its active devices are (online). */
export const ZSiteListItem = ZSiteView.extend({ devices: z.number(), online: z.number() });
/** A site created or changed. */
export const ZSiteRef = z.object({ id: z.string(), name: z.string() });

/** An enrollment token as the site page lists it: its prefix, never the secret or its hash. */
export const ZEnrollmentTokenView = z.object({
  id: z.string(),
  prefix: z.string(),
  expiresAt: z.date(),
  maxUses: z.number(),
  uses: z.number(),
  autoApprove: z.boolean(),
  tags: z.array(z.string()),
  revokedAt: z.date().nullable(),
  createdAt: z.date(),
  usable: z.boolean(),
});
/** A new enrollment token: the secret and its install command, shown this once. */
export const ZNewEnrollmentToken = z.object({
  id: z.string(),
  token: z.string(),
  command: z.string(),
  expiresAt: z.date(),
});

export const ZPortForwardView = z.object({
  id: z.string(),
  proto: z.string(),
  port: z.number(),
  toAddr: z.string(),
  toPort: z.number(),
  description: z.string(),
});
export const ZLbServiceView = ZServicesIntent.element.omit({ siteId: true });
