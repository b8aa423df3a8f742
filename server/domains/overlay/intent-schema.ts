// The overlay's part of an org's intent, as the snapshot of a revision stores it (rows as
// stored; see schemas.ts for what the API accepts).
import { z } from "zod";
import { ZAppMatch, ZLinkKind } from "../../../protocol";
import type { SitesIntent } from "../sites";

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

/** The parts of an org's intent the overlay is compiled from. */
export interface OverlayCompileInput {
  sites: SitesIntent;
  overlay: OverlayIntent;
}
