import type { SitePathsView } from "@/server/domains/overlay/services/views";

export type SitePath = SitePathsView["paths"][number];

/** Names a path the way operators say it: "fiber1 → Branch B / lte" (links by name). */
export const pathLabel = (p: SitePath) => `${p.localLink} → ${p.remoteSite.name} / ${p.remoteLink}`;
