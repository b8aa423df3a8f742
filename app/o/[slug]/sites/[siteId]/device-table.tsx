"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Link } from "@/app/_components/link";
import { ListCard } from "@/app/_components/list-card";
import { Badge, OnlineDot, Td, type Tone } from "@/app/_components/status-ui";
import { timeAgo } from "@/app/_components/time";
import { Button } from "@/app/_components/ui";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { useNow } from "@/app/_components/use-now";
import { useTRPC } from "@/app/_trpc/client";
import { formatClockOffset, isClockSkewed } from "@/protocol/clock";
import { PAGE_MAX } from "@/server/api/shared";
import type { SiteSectionProps } from "./site-section";

const STATUS_TONE: Record<string, Tone> = {
  pending: "amber",
  active: "green",
  rejected: "slate",
  revoked: "red",
};

type Sync = "in sync" | "applying" | "failed" | null;
const SYNC_TONE: Record<NonNullable<Sync>, Tone> = {
  "in sync": "green",
  applying: "blue",
  failed: "red",
};

/** Only active devices sync; a failed attempt at the desired revision stays failed. */
function syncOf(d: {
  status: string;
  inSync: boolean;
  desiredRevision: number;
  attemptedRevision: number | null;
  applyStatus: string | null;
}): Sync {
  if (d.status !== "active") return null;
  if (d.inSync) return "in sync";
  if (d.attemptedRevision === d.desiredRevision && d.applyStatus && d.applyStatus !== "applied")
    return "failed";
  return "applying";
}

/** The site's devices, live: polled every 2 s. */
export function DeviceTable({ orgSlug, siteId, canWrite }: SiteSectionProps) {
  const trpc = useTRPC();
  const now = useNow();
  const devices = useQuery(
    trpc.device.list.queryOptions(
      { orgSlug, siteId, limit: PAGE_MAX, sort: "createdAt", order: "desc" },
      { refetchInterval: 2_000 },
    ),
  );
  const refresh = useIntentRefresh((t) => [t.device.list.queryKey(), t.site.list.queryKey()]);
  const approve = useMutation(trpc.device.approve.mutationOptions({ onSettled: refresh }));
  const reject = useMutation(trpc.device.reject.mutationOptions({ onSettled: refresh }));
  const revoke = useMutation(trpc.device.revoke.mutationOptions({ onSettled: refresh }));
  const busy = approve.isPending || reject.isPending || revoke.isPending;

  return (
    <ListCard
      title="Devices"
      rows={devices.data?.items}
      error={devices.error ?? approve.error ?? reject.error ?? revoke.error}
      empty="No devices yet. Run an install command on the site's box: it shows up here."
      emptyTestId="no-devices"
      columns={["Hostname", "Status", "Connection", "Config", "Last error"]}
      rowData={(d) => ({
        "data-testid": "device-row",
        "data-device-id": d.id,
        "data-status": d.status,
        "data-online": String(d.online),
        "data-in-sync": String(d.inSync),
        "data-sync": syncOf(d) ?? "none",
      })}
      cells={(d) => {
        const sync = syncOf(d);
        return (
          <>
            <Td>
              <Link
                href={`/o/${orgSlug}/devices/${d.id}`}
                className="font-medium text-brand-700 underline"
              >
                {d.hostname}
              </Link>
              {d.alerts.map((a) => (
                <span key={a.kind} className="ml-2" data-testid="device-alert-badge">
                  <Badge tone="red">
                    {a.kind === "cloned_identity" ? "identity used twice" : "quarantined"}
                  </Badge>
                </span>
              ))}
              {d.agentVersion && (
                <span className="block text-xs text-slate-600">agent {d.agentVersion}</span>
              )}
              {d.missingSections.length > 0 && (
                <span className="block text-xs text-amber-800" data-testid="missing-sections">
                  Update the agent: it cannot apply {d.missingSections.join(", ")}
                </span>
              )}
            </Td>
            <Td>
              <Badge tone={STATUS_TONE[d.status]}>{d.status}</Badge>
            </Td>
            <Td className="whitespace-nowrap">
              <OnlineDot online={d.online}>{d.online ? "online" : "offline"}</OnlineDot>
              <span className="block text-xs text-slate-600">
                seen {timeAgo(d.lastSeenAt, now)}
              </span>
              {d.clockOffsetMs !== null && isClockSkewed(d.clockOffsetMs) && (
                <span
                  className="block text-xs font-medium text-red-800"
                  data-testid="clock-skew"
                  title="Its certificates are judged by this clock: fix NTP on the box"
                >
                  {`Clock off by ${formatClockOffset(d.clockOffsetMs)} (${d.clockOffsetMs > 0 ? "behind" : "ahead"})`}
                </span>
              )}
            </Td>
            <Td className="whitespace-nowrap">
              {sync && (
                <Badge tone={SYNC_TONE[sync]} title={d.applyStatus ?? undefined}>
                  {sync}
                </Badge>
              )}
              {d.desiredRevision > 0 && (
                <span className="block text-xs text-slate-600">
                  applied {d.reportedRevision} / desired {d.desiredRevision}
                </span>
              )}
            </Td>
            <Td className="max-w-48 truncate text-xs text-red-800" title={d.lastError ?? ""}>
              {d.lastError ?? <span className="text-slate-500">—</span>}
            </Td>
          </>
        );
      }}
      actions={
        canWrite
          ? (d) => (
              <DeviceActions
                device={d}
                busy={busy}
                onApprove={() => approve.mutate({ orgSlug, deviceId: d.id })}
                onReject={() => reject.mutate({ orgSlug, deviceId: d.id })}
                onRevoke={() => revoke.mutate({ orgSlug, deviceId: d.id })}
              />
            )
          : undefined
      }
    />
  );
}

function DeviceActions({
  device,
  busy,
  onApprove,
  onReject,
  onRevoke,
}: {
  device: { hostname: string; status: string };
  busy: boolean;
  onApprove: () => void;
  onReject: () => void;
  onRevoke: () => void;
}) {
  const { hostname, status } = device;
  if (status === "pending")
    return (
      <div className="flex justify-end gap-2">
        <Button aria-label={`Approve ${hostname}`} disabled={busy} onClick={onApprove}>
          Approve
        </Button>
        <Button
          variant="secondary"
          aria-label={`Reject ${hostname}`}
          disabled={busy}
          onClick={onReject}
        >
          Reject
        </Button>
      </div>
    );
  if (status === "active")
    return (
      <ConfirmButton
        label="Revoke"
        ariaLabel={`Revoke ${hostname}`}
        title={`Revoke ${hostname}?`}
        disabled={busy}
        onConfirm={onRevoke}
      >
        The device is disconnected at once and its certificate revoked. To bring it back, enroll it
        again with a new install command.
      </ConfirmButton>
    );
  return null;
}
