// What the overlay read APIs return to the portal (topology, site paths, charts, incident
// timeline). The tRPC router `overlay` serves these shapes; the pages render them.

export type PathHealth = "up" | "degraded" | "down" | "unknown";

export interface TopologyView {
  topology: "hub_spoke" | "full_mesh" | "partial_mesh";
  sites: {
    id: string;
    name: string;
    role: "edge" | "hub" | "cloud_gateway";
    online: boolean;
    /** Devices of the site that are online / all (not revoked or rejected). */
    devicesOnline: number;
    devices: number;
    links: { id: string; name: string; kind: string }[];
  }[];
  /** One per site pair that has tunnels. */
  edges: {
    id: string;
    a: string;
    b: string;
    health: PathHealth;
    paths: {
      id: string;
      aLink: string;
      bLink: string;
      health: PathHealth;
      latencyMs: number | null;
      jitterMs: number | null;
      lossPct: number | null;
      /** Application classes on this path now, from either end. */
      classes: string[];
    }[];
  }[];
  /** When the newest measurement was taken (null: none yet). */
  measuredAt: string | null;
}

export interface SitePathsView {
  site: { id: string; name: string; role: string; prefixes: string[] };
  links: {
    id: string;
    name: string;
    kind: string;
    interface: string;
    cost: number;
    metered: boolean;
    upMbps: number;
    downMbps: number;
  }[];
  paths: {
    id: string;
    localLink: string;
    remoteSite: { id: string; name: string };
    remoteLink: string;
    health: PathHealth;
    /** Tunnel state the device reported. */
    tunnel: "up" | "down" | "unknown";
    latencyMs: number | null;
    jitterMs: number | null;
    lossPct: number | null;
    mos: number | null;
    at: string | null;
  }[];
  /** Where each application class (and policy) goes now, per remote site. */
  selection: {
    unit: string;
    unitName: string;
    remoteSite: { id: string; name: string };
    pathId: string | null;
    since: string;
  }[];
}

export interface PathSeriesView {
  pathId: string;
  points: {
    at: string;
    latencyMs: number | null;
    jitterMs: number | null;
    lossPct: number | null;
    mos: number | null;
    up: boolean;
  }[];
}

export interface IncidentView {
  id: string;
  at: string;
  kind: string;
  unitName: string;
  remoteSite: { id: string; name: string } | null;
  fromPath: string | null;
  toPath: string | null;
  reason: string;
  device: { id: string; hostname: string };
}
