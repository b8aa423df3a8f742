// Intents for overlay compile tests: sites with WAN links, built from short specs.

import { EMPTY_OVERLAY_INTENT, type OverlayIntent } from "../../../server/domains/overlay";
import type { OverlayPeer } from "../../../server/domains/overlay/compile/compile-overlay";
import { DEFAULT_SITE_SETTINGS } from "../../../server/domains/sites";
import { type Intent, parseIntent } from "../../../server/features";

type Link = OverlayIntent["links"][number];
type Role = "edge" | "hub" | "cloud_gateway";

export interface SiteSpec {
  id: string;
  role?: Role;
  prefixes?: string[];
  /** Links: name → public address (null: dials out only). */
  links?: Record<string, string | null>;
}

/** A WireGuard-shaped key (32 bytes, base64) derived from a number. */
export const wgKey = (n: number) => Buffer.alloc(32, n).toString("base64");

export function link(siteId: string, name: string, publicAddress: string | null, i = 0): Link {
  return {
    id: `${siteId}-${name}`,
    siteId,
    name,
    kind: name.startsWith("lte") ? "lte" : "fiber",
    interface: `wan${i}`,
    gateway: `192.0.2.${i + 1}`,
    publicAddress,
    cost: name.startsWith("lte") ? 50 : 10,
    upMbps: 100,
    downMbps: 100,
    metered: name.startsWith("lte"),
    enabled: true,
  };
}

export function overlayIntent(
  specs: SiteSpec[],
  overlay: Partial<OverlayIntent> = {},
  settings: Partial<OverlayIntent["settings"]> = {},
): Intent {
  return parseIntent({
    sites: specs.map((s) => ({
      id: s.id,
      name: `Site ${s.id}`,
      settings: DEFAULT_SITE_SETTINGS,
      role: s.role ?? "edge",
      prefixes: s.prefixes ?? [],
    })),
    rules: [],
    portForwards: [],
    services: [],
    overlay: {
      ...EMPTY_OVERLAY_INTENT,
      links: specs.flatMap((s) =>
        Object.entries(s.links ?? {}).map(([name, addr], i) => link(s.id, name, addr, i)),
      ),
      ...overlay,
      settings: { ...EMPTY_OVERLAY_INTENT.settings, ...settings },
    },
  });
}

/** One keyed peer per site: device `dev-<site>`, key from the site's position. */
export const peersFor = (siteIds: string[]): OverlayPeer[] =>
  siteIds.map((siteId, i) => ({ siteId, deviceId: `dev-${siteId}`, publicKey: wgKey(i + 1) }));
