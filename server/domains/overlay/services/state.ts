// What the read views need from the database, loaded once per call: the org's overlay
// intent as the compiler sees it, its devices' reported overlay status, and the newest
// probe sample of each path from each end.

import { type Selection, ZPathState, ZSelection } from "../../../../protocol";
import type { Tx } from "../../../platform/db/client";
import { boundsOf, pathsOf } from "./paths";
import { getOverlaySettings } from "./settings";

/** A measurement older than this says nothing about the path now (telemetry: every 5 s). */
export const FRESH_SECONDS = 30;

/** One probe window's numbers, as path_samples stores them. */
export interface SampleValues {
  at: Date;
  up: boolean;
  latencyMs: number | null;
  jitterMs: number | null;
  lossPct: number | null;
  mos: number | null;
}

export interface NewestSample extends SampleValues {
  pathId: string;
  deviceId: string;
  siteId: string;
}

export interface DeviceOverlay {
  id: string;
  siteId: string;
  hostname: string;
  status: string;
  online: boolean;
  tunnels: { pathId: string; state: "up" | "down" | "unknown" }[];
  selection: Selection[];
}

/**
 * The ingest keeps the retained ZOverlayStatus in devices.overlayStatus and adds the
 * newest `paths` report's selection as `selection`. Read leniently: one malformed entry
 * must not hide the rest of the view.
 */
export function parseOverlayStatus(json: unknown): Pick<DeviceOverlay, "tunnels" | "selection"> {
  const o = (json && typeof json === "object" ? json : {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  const tunnels = list(o.tunnels).flatMap((t) => {
    const pathId = (t as { pathId?: unknown })?.pathId;
    const state = ZPathState.safeParse((t as { state?: unknown })?.state);
    return typeof pathId === "string"
      ? [{ pathId, state: state.success ? state.data : "unknown" }]
      : [];
  });
  const selection = list(o.selection).flatMap((s) => {
    const r = ZSelection.safeParse(s);
    return r.success ? [r.data] : [];
  });
  return { tunnels, selection };
}

export async function loadOverlayState(tx: Tx, orgId: string) {
  const [sites, links, settings, slaClasses, devices, samples] = await Promise.all([
    tx.site.findMany({ where: { orgId }, orderBy: [{ name: "asc" }, { id: "asc" }] }),
    tx.wanLink.findMany({ where: { orgId }, orderBy: [{ name: "asc" }, { id: "asc" }] }),
    getOverlaySettings(tx, orgId),
    tx.slaClass.findMany({ where: { orgId } }),
    tx.device.findMany({
      where: { orgId, status: { in: ["active", "pending"] } },
      select: {
        id: true,
        siteId: true,
        hostname: true,
        status: true,
        online: true,
        overlayStatus: true,
      },
      orderBy: [{ hostname: "asc" }, { id: "asc" }],
    }),
    // Through sites, so that each site's range is an index scan on (orgId, siteId, at).
    tx.$queryRaw<NewestSample[]>`
      SELECT DISTINCT ON (p."pathId", p."deviceId")
        p."pathId", p."deviceId", p."siteId", p.at, p.up, p."latencyMs", p."jitterMs", p."lossPct", p.mos
      FROM sites s
      JOIN path_samples p ON p."orgId" = s."orgId" AND p."siteId" = s.id
        AND p.at > now() - ${FRESH_SECONDS}::int * interval '1 second'
      WHERE s."orgId" = ${orgId}
      ORDER BY p."pathId", p."deviceId", p.at DESC`,
  ]);
  const overlay: DeviceOverlay[] = devices.map(({ overlayStatus, ...d }) => ({
    ...d,
    ...parseOverlayStatus(overlayStatus),
  }));
  return {
    sites,
    links,
    settings,
    devices: overlay,
    samples,
    bounds: boundsOf(slaClasses),
    paths: pathsOf(settings, sites, links),
  };
}

export type OverlayState = Awaited<ReturnType<typeof loadOverlayState>>;
