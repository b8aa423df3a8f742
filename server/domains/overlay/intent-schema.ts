// The overlay's part of an org's intent, as the snapshot of a revision stores it (rows as
// stored; see schemas.ts for what the API accepts).
import { z } from "zod";
import { ZAppMatch, ZLinkKind } from "../../../protocol";
import { zText } from "../../../protocol/text";
import type { SitesIntent } from "../sites";

/** The overlay part of an org's intent (rows as stored; see overlay-schemas.ts for inputs). */
export const ZOverlayIntent = z.object({
  settings: z.object({
    topology: z.enum(["hub_spoke", "full_mesh", "partial_mesh"]),
    sitePairs: z.array(z.object({ a: zText(), b: zText() })),
    probeIntervalMs: z.number(),
    holdDownSeconds: z.number(),
  }),
  links: z.array(
    z.object({
      id: zText(),
      siteId: zText(),
      name: zText(),
      kind: ZLinkKind,
      interface: zText(),
      gateway: zText().nullable(),
      publicAddress: zText().nullable(),
      cost: z.number(),
      upMbps: z.number(),
      downMbps: z.number(),
      metered: z.boolean(),
      enabled: z.boolean(),
    }),
  ),
  slaClasses: z.array(
    z.object({
      id: zText(),
      name: zText(),
      maxLatencyMs: z.number(),
      maxJitterMs: z.number(),
      maxLossPct: z.number(),
    }),
  ),
  appClasses: z.array(
    z.object({
      id: zText(),
      name: zText(),
      kind: z.enum(["voice", "video", "interactive", "saas", "bulk", "default", "custom"]),
      number: z.number(),
      dscp: z.number().nullable(),
      match: z.array(ZAppMatch),
      slaClassId: zText().nullable(),
    }),
  ),
  userGroups: z.array(z.object({ id: zText(), name: zText(), prefixes: z.array(zText()) })),
  policies: z.array(
    z.object({
      id: zText(),
      name: zText(),
      priority: z.number(),
      siteId: zText().nullable(),
      appClassId: zText().nullable(),
      userGroupId: zText().nullable(),
      srcPrefixes: z.array(zText()),
      preferred: z.array(
        z.object({
          siteId: zText(),
          localLink: zText().optional(),
          remoteLink: zText().optional(),
        }),
      ),
      slaClassId: zText().nullable(),
      onViolation: z.enum(["best_effort", "hold"]),
      enabled: z.boolean(),
    }),
  ),
  /** L2 segments (VXLAN over the tunnels); snapshots from before they existed have none. */
  segments: z
    .array(
      z.object({
        id: zText(),
        name: zText(),
        vni: z.number(),
        members: z.array(z.object({ siteId: zText(), interface: zText() })),
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
