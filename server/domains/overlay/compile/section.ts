// The overlay's compiler section. Its facts are the org's overlay peers (each site's first
// active device and the tunnel key it reported), read in the compile's transaction. Only a
// site's tunnel end (that first device, the one its peers know) gets the section; another
// box of the site (a standby) gets the rest of the config without it, rather than tunnels
// named after, and keyed for, its sibling.
import type { CompilerSection } from "../../../platform/features/contract";
import type { OverlayCompileInput } from "../intent-schema";
import { type OverlayPeer, overlayCompiler } from "./compile-overlay";
import { loadOverlayPeers } from "./load-peers";

export const overlaySection: CompilerSection<OverlayCompileInput, readonly OverlayPeer[]> = {
  section: "overlay",
  load: loadOverlayPeers,
  forOrg(orgId, intent, peers) {
    const overlayOf = overlayCompiler(orgId, intent, peers);
    const tunnelEnd = new Map(peers.map((p) => [p.siteId, p.deviceId]));
    return {
      site(siteId) {
        // Absent rather than empty, so configs of sites outside the overlay hash as before.
        const overlay = overlayOf(siteId);
        return overlay ? { overlay } : undefined;
      },
      appliesTo: (siteId, deviceId) => tunnelEnd.get(siteId) === deviceId,
    };
  },
};
