"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Badge, OnlineDot, TableWrap, Td, Th, type Tone } from "@/app/_components/status-ui";
import { timeAgo } from "@/app/_components/time";
import { Alert, Button, Card } from "@/app/_components/ui";
import { useNow } from "@/app/_components/use-now";
import { useTRPC } from "@/app/_trpc/client";

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
export function DeviceTable({
  orgSlug,
  siteId,
  canWrite,
}: {
  orgSlug: string;
  siteId: string;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow();
  const devices = useQuery(
    trpc.device.list.queryOptions({ orgSlug, siteId }, { refetchInterval: 2_000 }),
  );
  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: trpc.device.list.queryKey() });
    queryClient.invalidateQueries({ queryKey: trpc.site.list.queryKey() });
    queryClient.invalidateQueries({ queryKey: trpc.rollout.pathKey() });
  };
  const approve = useMutation(trpc.device.approve.mutationOptions({ onSettled: refresh }));
  const reject = useMutation(trpc.device.reject.mutationOptions({ onSettled: refresh }));
  const revoke = useMutation(trpc.device.revoke.mutationOptions({ onSettled: refresh }));
  const error = approve.error ?? reject.error ?? revoke.error;
  const busy = approve.isPending || reject.isPending || revoke.isPending;

  return (
    <Card>
      <h2 className="mb-3 font-semibold">Devices</h2>
      {error && <Alert>{error.message}</Alert>}
      {devices.isPending && <p className="text-sm text-slate-600">Loading…</p>}
      {devices.data?.length === 0 && (
        <p className="text-sm text-slate-600" data-testid="no-devices">
          No devices yet. Run an install command on the site's box: it shows up here.
        </p>
      )}
      {!!devices.data?.length && (
        <TableWrap label="Devices">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <Th>Hostname</Th>
                <Th>Status</Th>
                <Th>Connection</Th>
                <Th>Config</Th>
                <Th>Last error</Th>
                {canWrite && (
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                )}
              </tr>
            </thead>
            <tbody>
              {devices.data.map((d) => {
                const sync = syncOf(d);
                return (
                  <tr
                    key={d.id}
                    className="border-b border-slate-100"
                    data-testid="device-row"
                    data-device-id={d.id}
                    data-status={d.status}
                    data-online={String(d.online)}
                    data-in-sync={String(d.inSync)}
                    data-sync={sync ?? "none"}
                  >
                    <Td>
                      <span className="font-medium">{d.hostname}</span>
                      {d.agentVersion && (
                        <span className="block text-xs text-slate-600">agent {d.agentVersion}</span>
                      )}
                      {d.missingSections.length > 0 && (
                        <span
                          className="block text-xs text-amber-800"
                          data-testid="missing-sections"
                        >
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
                    <Td
                      className="max-w-48 truncate text-xs text-red-800"
                      title={d.lastError ?? ""}
                    >
                      {d.lastError ?? <span className="text-slate-500">—</span>}
                    </Td>
                    {canWrite && (
                      <Td className="text-right">
                        <DeviceActions
                          device={d}
                          busy={busy}
                          onApprove={() => approve.mutate({ orgSlug, deviceId: d.id })}
                          onReject={() => reject.mutate({ orgSlug, deviceId: d.id })}
                          onRevoke={() => revoke.mutate({ orgSlug, deviceId: d.id })}
                        />
                      </Td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Card>
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
