import { Button } from "@/app/_components/ui";
import { formatClockOffset, isClockSkewed } from "@/protocol/clock";

interface Alert {
  kind: "quarantined_messages" | "cloned_identity";
  count: number;
  addresses: string[];
  channel: string | null;
  error: string | null;
}

/** What an operator must look at on this device, and what to do about it. */
export function DeviceAlerts({
  alerts,
  clockOffsetMs,
  canWrite,
  busy,
  onDismiss,
}: {
  alerts: Alert[];
  /** Positive: the box is behind the control plane. */
  clockOffsetMs: number | null;
  canWrite: boolean;
  busy: boolean;
  onDismiss: (kind: Alert["kind"]) => void;
}) {
  const skewed = clockOffsetMs !== null && isClockSkewed(clockOffsetMs);
  if (alerts.length === 0 && !skewed) return null;
  return (
    // Each alert is a live region (role="alert"), so they are not list items.
    <div className="space-y-3">
      {skewed && (
        <div
          role="alert"
          data-testid="device-alert"
          data-kind="clock_skew"
          className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900"
        >
          <p className="font-semibold">
            {`Clock off by ${formatClockOffset(clockOffsetMs)} (${clockOffsetMs > 0 ? "behind" : "ahead"})`}
          </p>
          <p className="mt-1">
            Certificates are judged by this box's clock: a clock far off can lock it out when its
            certificate is renewed. Fix time synchronisation (NTP) on the box.
          </p>
        </div>
      )}
      {alerts.map((a) => (
        <div
          key={a.kind}
          role="alert"
          data-testid="device-alert"
          data-kind={a.kind}
          className="flex items-start justify-between gap-4 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900"
        >
          <div>
            <p className="font-semibold">{title(a)}</p>
            <p className="mt-1">{explanation(a)}</p>
          </div>
          {canWrite && (
            <Button variant="secondary" disabled={busy} onClick={() => onDismiss(a.kind)}>
              Dismiss
            </Button>
          )}
        </div>
      ))}
    </div>
  );
}

function title(a: Alert) {
  if (a.kind === "cloned_identity") return "Identity used from two places";
  return `${a.count} message${a.count === 1 ? "" : "s"} quarantined`;
}

function explanation(a: Alert) {
  if (a.kind === "cloned_identity") {
    const where = a.addresses.length ? a.addresses.join(" and ") : "two addresses";
    return `Two boxes with this device's certificate took turns on its connection (${a.count} time${a.count === 1 ? "" : "s"}), from ${where}. Revoke the device, then enroll the real box again with a new install command.`;
  }
  return `The control plane set aside what this device sent on ${a.channel ?? "a channel"}: ${a.error ?? "no error given"}. Its other reports are still taken. Update or repair the agent; the messages are listed below.`;
}
