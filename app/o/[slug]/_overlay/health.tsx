import { Badge, type Tone } from "@/app/_components/status-ui";
import type { PathHealth } from "@/server/domains/overlay/services/views";

export type { PathHealth };

export const HEALTH_TONE: Record<PathHealth, Tone> = {
  up: "green",
  degraded: "amber",
  down: "red",
  unknown: "slate",
};

/** Line colours on the map; each has text next to it (badge, label) so colour is never alone. */
export const HEALTH_STROKE: Record<PathHealth, string> = {
  up: "#16a34a",
  degraded: "#d97706",
  down: "#dc2626",
  unknown: "#94a3b8",
};

export function HealthBadge({ health }: { health: PathHealth }) {
  return <Badge tone={HEALTH_TONE[health]}>{health}</Badge>;
}

const TUNNEL_TONE: Record<string, Tone> = { up: "green", down: "red", unknown: "slate" };

export function TunnelBadge({ state }: { state: string }) {
  return <Badge tone={TUNNEL_TONE[state] ?? "slate"}>{state}</Badge>;
}

/** Measurements: a dash when none came yet (null), never a misleading 0. */
export const fmtMs = (v: number | null | undefined) =>
  v === null || v === undefined ? "—" : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
export const fmtPct = (v: number | null | undefined) =>
  v === null || v === undefined ? "—" : `${v < 10 ? v.toFixed(1) : Math.round(v)} %`;
export const fmtMos = (v: number | null | undefined) =>
  v === null || v === undefined ? "—" : v.toFixed(2);

export const ROLE_LABEL: Record<string, string> = {
  edge: "Edge",
  hub: "Hub",
  cloud_gateway: "Cloud gateway",
};
