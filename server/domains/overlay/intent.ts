// The overlay's intent section: settings, WAN links, SLA and application classes, user
// groups, steering policies and L2 segments (and, on rollback, each site's overlay role and
// prefixes, which live on the site's row).
import type { IntentSection } from "../../platform/features/contract";
import type { SitesIntent } from "../sites";
import { EMPTY_OVERLAY_INTENT, ZOverlayIntent } from "./intent-schema";
import { restoreOverlay } from "./services/restore";

/** Snapshots from before the overlay existed have none. */
const ZOverlaySection = ZOverlayIntent.default(EMPTY_OVERLAY_INTENT);

export const overlaySection = {
  key: "overlay",
  schema: ZOverlaySection,
  async load(tx, orgId) {
    const where = { orgId };
    const [settings, links, slaClasses, appClasses, userGroups, policies, segments] =
      await Promise.all([
        tx.overlaySettings.findUnique({ where }),
        tx.wanLink.findMany({ where, orderBy: { id: "asc" } }),
        tx.slaClass.findMany({ where, orderBy: { id: "asc" } }),
        tx.appClass.findMany({ where, orderBy: [{ number: "asc" }, { id: "asc" }] }),
        tx.userGroup.findMany({ where, orderBy: { id: "asc" } }),
        tx.steeringPolicy.findMany({ where, orderBy: [{ priority: "asc" }, { id: "asc" }] }),
        tx.l2Segment.findMany({ where, orderBy: [{ vni: "asc" }, { id: "asc" }] }),
      ]);
    const strip = <T extends { orgId: string; createdAt: Date; updatedAt: Date }>({
      orgId: _o,
      createdAt: _c,
      updatedAt: _u,
      ...row
    }: T) => row;
    return {
      settings: settings
        ? {
            topology: settings.topology,
            sitePairs: settings.sitePairs,
            probeIntervalMs: settings.probeIntervalMs,
            holdDownSeconds: settings.holdDownSeconds,
          }
        : EMPTY_OVERLAY_INTENT.settings,
      links: links.map(strip),
      slaClasses: slaClasses.map(strip),
      appClasses: appClasses.map(strip),
      userGroups: userGroups.map(strip),
      policies: policies.map(strip),
      segments: segments.map(strip),
    };
  },
  /** A snapshot from before the overlay existed says nothing about it: left as it is. */
  async restore(tx, orgId, { value, present, raw, intent, liveSites }) {
    if (!present) return;
    for (const s of intent.sites as SitesIntent) {
      if (!liveSites.has(s.id)) continue;
      await tx.site.update({
        where: { id: s.id, orgId },
        data: { role: s.role, prefixes: s.prefixes },
      });
    }
    // A snapshot from before L2 segments existed leaves the segments as they are.
    const segments = (raw.overlay as { segments?: unknown }).segments !== undefined;
    await restoreOverlay(tx, orgId, value, liveSites, { segments });
  },
} satisfies IntentSection<"overlay", typeof ZOverlaySection>;
