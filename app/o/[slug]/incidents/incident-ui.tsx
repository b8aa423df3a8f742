import { Badge, type Tone } from "@/app/_components/status-ui";

/** Severity, most severe first in colour: critical and major red, minor amber, info slate. */
const SEVERITY_TONE: Record<string, Tone> = {
  critical: "red",
  major: "red",
  minor: "amber",
  info: "slate",
};

export function SeverityBadge({ severity }: { severity: string }) {
  return <Badge tone={SEVERITY_TONE[severity] ?? "slate"}>{severity}</Badge>;
}

const STATUS_TONE: Record<string, Tone> = { open: "red", acknowledged: "amber", resolved: "green" };

interface Stated {
  status: string;
  suppressed: boolean;
  mutedUntil: Date | null;
}

/** True while a mute holds (`now`: the viewer's clock). */
export const isMuted = (i: Stated, now: number) =>
  i.mutedUntil !== null && i.mutedUntil.getTime() > now && i.status !== "resolved";

/** Its status, and whether nobody hears of it: muted, or opened in a maintenance window. */
export function IncidentStatus({ incident, now }: { incident: Stated; now: number }) {
  return (
    <span className="inline-flex flex-wrap gap-1">
      <Badge tone={STATUS_TONE[incident.status] ?? "slate"}>{incident.status}</Badge>
      {isMuted(incident, now) && (
        <Badge tone="slate" title="No notifications until the mute ends">
          muted
        </Badge>
      )}
      {incident.suppressed && (
        <Badge tone="blue" title="Opened in a maintenance window: nobody was notified">
          in maintenance
        </Badge>
      )}
    </span>
  );
}

/** "3 h 12 min", "45 s": from opening to resolution, or to now while it lasts. */
export function duration(from: Date, to: Date | null, now: number) {
  const s = Math.max(0, Math.round(((to?.getTime() ?? now) - from.getTime()) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
