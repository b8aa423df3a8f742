// Pure: what the probes and tunnels say about the paths, shaped for the selector and for
// the protocol: the retained `overlay` status (key and tunnels) and the `paths` report
// (each path's window, every selection).
import type { PathProbeView } from "./path-probe";
import type { SelectionView, SelectPath } from "./select";
import type { OverlayPath, OverlayStatus, PathReport } from "./types";
import type { WgInterface } from "./wg-dump";

const r2 = (n: number | null | undefined) => (n == null ? null : Math.round(n * 100) / 100);

export function selectInputOf(
  paths: readonly OverlayPath[],
  probe: (pathId: string) => PathProbeView | undefined,
): SelectPath[] {
  return paths.map((p) => {
    const v = probe(p.id);
    return {
      id: p.id,
      remoteSiteId: p.remote.siteId,
      name: `${p.remote.siteName} via ${p.remote.linkName}`,
      cost: p.cost,
      state: v?.state ?? "unknown",
      metrics: {
        latencyMs: v?.stats.latencyMs ?? null,
        jitterMs: v?.stats.jitterMs ?? null,
        lossPct: v?.stats.lossPct ?? null,
      },
      ...(v?.downReason ? { downReason: v.downReason } : {}),
    };
  });
}

interface Sources {
  probe: (pathId: string) => PathProbeView | undefined;
  wg: ReadonlyMap<string, WgInterface>;
}

export function statusOf(
  publicKey: string,
  paths: readonly OverlayPath[],
  s: Sources & { errors: ReadonlyMap<string, string> },
): OverlayStatus {
  return {
    v: 1,
    at: new Date().toISOString(),
    publicKey,
    tunnels: paths.map((p) => {
      const hs = s.wg.get(p.ifname)?.peers[0]?.latestHandshake ?? 0;
      const error = s.errors.get(p.ifname);
      return {
        pathId: p.id,
        ifname: p.ifname,
        state: s.probe(p.id)?.state ?? "unknown",
        lastHandshakeAt: hs ? new Date(hs * 1000).toISOString() : null,
        ...(error ? { error: error.slice(0, 500) } : {}),
      };
    }),
  };
}

/** `wallOffset` turns the selector's monotonic times into wall-clock ones. */
export function reportOf(
  paths: readonly OverlayPath[],
  selections: readonly SelectionView[],
  s: Sources & { wallOffset: number },
): PathReport {
  return {
    v: 1,
    at: new Date().toISOString(),
    paths: paths.slice(0, 1024).map((p) => {
      const v = s.probe(p.id);
      const peer = s.wg.get(p.ifname)?.peers[0];
      return {
        id: p.id,
        state: v?.state ?? "unknown",
        latencyMs: r2(v?.stats.latencyMs),
        jitterMs: r2(v?.stats.jitterMs),
        lossPct: r2(v?.stats.lossPct),
        mos: r2(v?.stats.mos),
        probesSent: v?.stats.sent ?? 0,
        probesLost: v?.stats.lost ?? 0,
        ...(peer ? { txBytes: peer.txBytes, rxBytes: peer.rxBytes } : {}),
      };
    }),
    selection: selections.slice(0, 4096).map((x) => ({
      unit: x.unit.slice(0, 130),
      unitName: x.unitName.slice(0, 100),
      remoteSiteId: x.remoteSiteId,
      pathId: x.pathId,
      since: new Date(s.wallOffset + x.since).toISOString(),
    })),
  };
}
