"use client";

import type { inferRouterOutputs } from "@trpc/server";
import { DataTable } from "@/app/_components/data-table";
import { Link } from "@/app/_components/link";
import { Time } from "@/app/_components/local-time";
import { Badge, NumTd, Td, type Tone } from "@/app/_components/status-ui";
import type { AppRouter } from "@/server/api/root";

const TONE: Record<string, Tone> = { sent: "green", pending: "amber", failed: "red" };

type Notification = inferRouterOutputs<AppRouter>["alerts"]["notifications"][number];

/**
 * Notifications and what became of each: an incident's (`by: "channel"`, a column names the
 * channel) or a channel's delivery log (`by: "incident"`, a column links the incident).
 */
export function NotificationTable({
  orgSlug,
  label,
  rows,
  empty,
  by,
  testId,
}: {
  orgSlug: string;
  label: string;
  rows: Notification[];
  empty: string;
  by: "channel" | "incident";
  testId: string;
}) {
  return (
    <DataTable
      label={label}
      rows={rows}
      empty={empty}
      columns={[
        by === "channel" ? "Channel" : "Incident",
        "Event",
        "Status",
        { label: "Attempts", className: "text-right" },
        "Response",
        "When",
      ]}
      rowData={(n) => ({ "data-testid": testId, "data-event": n.event, "data-status": n.status })}
      cells={(n) => (
        <>
          <Td>
            {by === "channel" ? (
              <>
                {n.channelName}
                <span className="block text-xs text-slate-600">{n.channelKind}</span>
              </>
            ) : n.incidentId ? (
              <Link href={`/o/${orgSlug}/incidents/${n.incidentId}`} className="underline">
                Open incident
              </Link>
            ) : (
              "Test"
            )}
          </Td>
          <Td>
            <code className="text-xs">{n.event}</code>
          </Td>
          <Td>
            <Badge tone={TONE[n.status] ?? "slate"}>{n.status}</Badge>
          </Td>
          <NumTd>{n.attempts}</NumTd>
          <Td className="break-words text-xs">
            {n.responseStatus ? `HTTP ${n.responseStatus}` : ""}
            {n.error && <span className="block text-red-700">{n.error}</span>}
            {!n.responseStatus && !n.error && "—"}
          </Td>
          <Td>
            <Time value={n.sentAt ?? n.createdAt} />
          </Td>
        </>
      )}
    />
  );
}
