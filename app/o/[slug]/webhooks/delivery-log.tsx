"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { DataTable } from "@/app/_components/data-table";
import { Time } from "@/app/_components/local-time";
import { Badge, NumTd, Td, type Tone } from "@/app/_components/status-ui";
import { Alert, Button } from "@/app/_components/ui";
import { useTRPC } from "@/app/_trpc/client";

const TONE: Record<string, Tone> = {
  succeeded: "green",
  pending: "amber",
  sending: "blue",
  dead: "red",
};

/** An endpoint's deliveries, newest first, with replay (one, or every dead letter). */
export function DeliveryLog({
  orgSlug,
  endpointId,
  canWrite,
}: {
  orgSlug: string;
  endpointId: string;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The cursors of the pages walked back through; the last one is shown.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const log = useQuery(
    trpc.webhook.deliveries.queryOptions(
      { orgSlug, endpointId, limit: 25, cursor },
      { refetchInterval: 3_000 },
    ),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhook.pathKey() });
  const replay = useMutation(trpc.webhook.replay.mutationOptions({ onSuccess: refresh }));
  const replayDead = useMutation(trpc.webhook.replayDead.mutationOptions({ onSuccess: refresh }));
  const rows = log.data?.items ?? [];
  const next = log.data?.next ?? null;
  const error = log.error ?? replay.error ?? replayDead.error;
  return (
    <div className="space-y-2" data-testid="webhook-deliveries">
      {error && <Alert>{error.message}</Alert>}
      {canWrite && rows.some((d) => d.status === "dead") && (
        <Button variant="secondary" onClick={() => replayDead.mutate({ orgSlug, endpointId })}>
          Replay dead deliveries
        </Button>
      )}
      <DataTable
        label="Deliveries"
        columns={[
          "Event",
          "Status",
          "Attempts",
          "Response",
          "Duration",
          "Last attempt",
          "Next attempt",
        ]}
        rows={rows}
        empty={log.isPending ? "Loading deliveries…" : "No deliveries yet."}
        rowData={(d) => ({ "data-testid": "webhook-delivery", "data-status": d.status })}
        cells={(d) => (
          <>
            <Td>
              <code className="text-xs">{d.eventType}</code>
              <span className="block text-xs text-slate-500">{d.eventId}</span>
            </Td>
            <Td>
              <Badge tone={TONE[d.status] ?? "slate"}>{d.status}</Badge>
            </Td>
            <NumTd>{d.attempts}</NumTd>
            <Td>
              {d.responseStatus ?? "—"}
              {(d.error || d.responseExcerpt) && (
                <span
                  className="block max-w-xs truncate text-xs text-slate-600"
                  title={d.error ?? d.responseExcerpt ?? ""}
                >
                  {d.error ?? d.responseExcerpt}
                </span>
              )}
            </Td>
            <NumTd>{d.durationMs === null ? "—" : `${d.durationMs} ms`}</NumTd>
            <Td>
              <Time value={d.lastAttemptAt} />
            </Td>
            <Td>
              <Time value={d.nextAttemptAt} />
            </Td>
          </>
        )}
        actions={
          canWrite
            ? (d) =>
                d.status === "sending" ? null : (
                  <Button
                    variant="secondary"
                    aria-label={`Replay ${d.eventType} ${d.eventId}`}
                    onClick={() => replay.mutate({ orgSlug, deliveryId: d.id })}
                  >
                    Replay
                  </Button>
                )
            : undefined
        }
      />
      <div className="flex gap-2">
        {cursors.length > 1 && (
          <Button variant="secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer deliveries
          </Button>
        )}
        {next && (
          <Button variant="secondary" onClick={() => setCursors([...cursors, next])}>
            Older deliveries
          </Button>
        )}
      </div>
    </div>
  );
}
