// What operators may ask of a site, in the shapes the API accepts and the intent snapshot
// stores. The compiler sections (./compile.ts) turn them into each device's config.
import { z } from "zod";
import { ZAction, ZCidr4, ZIfname, ZIpv4, ZPort, ZSiteRole } from "../../../protocol";
import { zText } from "../../../protocol/text";

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
  siteId: zText().max(64),
  proto: z.enum(["tcp", "udp"]),
  port: ZPort,
  toAddr: ZIpv4,
  toPort: ZPort,
  description: zText().max(200).default(""),
});

export const ZLbServiceInput = z.strictObject({
  siteId: zText().max(64),
  name: zText().trim().min(1).max(60),
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
    id: zText(),
    name: zText(),
    settings: ZSiteSettings,
    role: ZSiteRole.default("edge"),
    prefixes: z.array(zText()).default([]),
  }),
);
export type SitesIntent = z.infer<typeof ZSitesIntent>;

export const ZPortForwardsIntent = z.array(
  z.object({
    id: zText(),
    siteId: zText(),
    proto: z.enum(["tcp", "udp"]),
    port: z.number(),
    toAddr: zText(),
    toPort: z.number(),
    description: zText(),
  }),
);
export type PortForwardsIntent = z.infer<typeof ZPortForwardsIntent>;

export const ZServicesIntent = z.array(
  z.object({
    id: zText(),
    siteId: zText(),
    name: zText(),
    vip: zText(),
    port: z.number(),
    proto: z.enum(["tcp", "udp"]),
    backends: z.array(z.object({ addr: zText(), port: z.number() })),
  }),
);
export type ServicesIntent = z.infer<typeof ZServicesIntent>;

// Output schemas of the `site` router: what each procedure returns, no more (an output
// schema strips unknown keys, and never names a secret's hash).

/** A site as `site.get` returns it. */
export const ZSiteView = z.object({
  id: zText(),
  name: zText(),
  description: zText(),
  settings: ZSiteSettings,
  createdAt: z.date(),
});
/** A row of `site.list`: the site and how many of its active devices are (online). */
export const ZSiteListItem = ZSiteView.extend({ devices: z.number(), online: z.number() });
/** A site created or changed. */
export const ZSiteRef = z.object({ id: zText(), name: zText() });

/** An enrollment token as the site page lists it: its prefix, never the secret or its hash. */
export const ZEnrollmentTokenView = z.object({
  id: zText(),
  prefix: zText(),
  expiresAt: z.date(),
  maxUses: z.number(),
  uses: z.number(),
  autoApprove: z.boolean(),
  tags: z.array(zText()),
  revokedAt: z.date().nullable(),
  createdAt: z.date(),
  usable: z.boolean(),
});
/** A new enrollment token: the secret and its install command, shown this once. */
export const ZNewEnrollmentToken = z.object({
  id: zText(),
  token: zText(),
  command: zText(),
  expiresAt: z.date(),
});

export const ZPortForwardView = z.object({
  id: zText(),
  proto: zText(),
  port: z.number(),
  toAddr: zText(),
  toPort: z.number(),
  description: zText(),
});
export const ZLbServiceView = ZServicesIntent.element.omit({ siteId: true });
