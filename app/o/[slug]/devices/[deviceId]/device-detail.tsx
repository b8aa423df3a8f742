"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { ListCard } from "@/app/_components/list-card";
import { Badge, OnlineDot, Td } from "@/app/_components/status-ui";
import { timeAgo } from "@/app/_components/time";
import { useIntentRefresh } from "@/app/_components/use-intent-refresh";
import { useNow } from "@/app/_components/use-now";
import { useTRPC } from "@/app/_trpc/client";
import { PAGE_MAX } from "@/server/api/shared";
import { DeviceAlerts } from "./device-alerts";

/** One device, live: presence, config, alerts and the messages it sent that were quarantined. */
export function DeviceDetail({
  orgSlug,
  deviceId,
  canWrite,
}: {
  orgSlug: string;
  deviceId: string;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const now = useNow();
  const device = useQuery(
    trpc.device.get.queryOptions({ orgSlug, deviceId }, { refetchInterval: 2_000 }),
  );
  const letters = useQuery(
    trpc.device.quarantine.queryOptions(
      { orgSlug, deviceId, limit: PAGE_MAX },
      { refetchInterval: 5_000 },
    ),
  );
  const refresh = useIntentRefresh((t) => [
    t.device.get.queryKey(),
    t.device.quarantine.queryKey(),
  ]);
  const dismiss = useMutation(trpc.device.dismissAlert.mutationOptions({ onSettled: refresh }));
  const d = device.data;
  if (!d) return <p className="text-sm text-slate-600">{device.error?.message ?? "Loading…"}</p>;

  return (
    <div className="space-y-6">
      <DeviceAlerts
        alerts={d.alerts}
        clockOffsetMs={d.clockOffsetMs}
        canWrite={canWrite}
        busy={dismiss.isPending}
        onDismiss={(kind) => dismiss.mutate({ orgSlug, deviceId, kind })}
      />
      <dl
        className="grid grid-cols-2 gap-4 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-4"
        data-testid="device-facts"
      >
        <Fact label="Status">
          <Badge tone={d.status === "active" ? "green" : "slate"}>{d.status}</Badge>
        </Fact>
        <Fact label="Connection">
          <OnlineDot online={d.online}>{d.online ? "online" : "offline"}</OnlineDot>
          <span className="block text-xs text-slate-600">seen {timeAgo(d.lastSeenAt, now)}</span>
        </Fact>
        <Fact label="Config">
          applied {d.reportedRevision} / desired {d.desiredRevision}
        </Fact>
        <Fact label="Agent">{d.agentVersion ?? "—"}</Fact>
      </dl>
      <ListCard
        title="Quarantined messages"
        label="Messages of this device the control plane set aside"
        rows={letters.data?.items}
        error={letters.error ?? dismiss.error}
        empty="None: every message this device sent was taken."
        emptyTestId="no-quarantined-messages"
        columns={["Channel", "Why", "Message", "Count", "Last"]}
        rowData={(l) => ({ "data-testid": "dead-letter-row", "data-channel": l.channel })}
        cells={(l) => (
          <>
            <Td className="whitespace-nowrap font-mono text-xs">{l.channel}</Td>
            <Td className="max-w-64 text-xs text-red-800">
              <Badge tone={l.reason === "refused" ? "amber" : "red"}>
                {l.reason === "refused" ? "refused" : "database refused"}
              </Badge>
              <span className="mt-1 block break-words">{l.error}</span>
            </Td>
            <Td className="max-w-80">
              <code className="block max-h-24 overflow-auto break-all text-xs text-slate-700">
                {l.preview}
                {l.size > l.preview.length ? "…" : ""}
              </code>
              <span className="text-xs text-slate-500">{l.size} bytes</span>
            </Td>
            <Td>{l.count}</Td>
            <Td className="whitespace-nowrap text-xs">{timeAgo(l.lastAt, now)}</Td>
          </>
        )}
      />
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase text-slate-500">{label}</dt>
      <dd className="mt-1 text-slate-900">{children}</dd>
    </div>
  );
}
