"use client";

import { useQuery } from "@tanstack/react-query";
import { Link } from "@/app/_components/link";
import { ListCard } from "@/app/_components/list-card";
import { Time } from "@/app/_components/local-time";
import { Badge, Td } from "@/app/_components/status-ui";
import { Alert, Card } from "@/app/_components/ui";
import { useNow } from "@/app/_components/use-now";
import { useTRPC } from "@/app/_trpc/client";
import { NotificationTable } from "../../alerts/notification-table";
import { duration, IncidentStatus, isMuted, SeverityBadge } from "../incident-ui";
import { IncidentActions } from "./incident-actions";

/** One incident, live: its state and cause, conditions, timeline and notifications. */
export function IncidentDetail({
  orgSlug,
  incidentId,
  canAct,
}: {
  orgSlug: string;
  incidentId: string;
  canAct: boolean;
}) {
  const trpc = useTRPC();
  const now = useNow(15_000);
  const query = useQuery(
    trpc.incidents.get.queryOptions({ orgSlug, incidentId }, { refetchInterval: 5_000 }),
  );
  const i = query.data;
  if (query.error) return <Alert>{query.error.message}</Alert>;
  if (!i) return <p className="text-sm text-slate-600">Loading…</p>;
  const muted = isMuted(i, now);
  return (
    <div className="space-y-6">
      <Card>
        <div className="space-y-3" data-testid="incident-header" data-status={i.status}>
          <div className="flex flex-wrap items-center gap-2">
            <SeverityBadge severity={i.severity} />
            <IncidentStatus incident={i} now={now} />
            {i.siteId && i.siteName && (
              <Link href={`/o/${orgSlug}/sites/${i.siteId}`} className="text-sm underline">
                {i.siteName}
              </Link>
            )}
          </div>
          <div>
            <h2 className="text-sm font-semibold text-slate-700">Likely cause</h2>
            <p className="text-sm" data-testid="incident-root-cause">
              {i.rootCause}
            </p>
          </div>
          <p className="text-xs text-slate-600">
            Opened <Time value={i.openedAt} show="absolute" /> · {i.resolvedAt ? "lasted" : "for"}{" "}
            {duration(i.openedAt, i.resolvedAt, now)}
            {i.acknowledgedAt && (
              <>
                {" "}
                · acknowledged <Time value={i.acknowledgedAt} /> by {i.acknowledgedBy ?? "—"}
              </>
            )}
            {muted && (
              <>
                {" "}
                · muted until <Time value={i.mutedUntil} show="absolute" />
              </>
            )}
            {i.resolvedAt && (
              <>
                {" "}
                · resolved <Time value={i.resolvedAt} show="absolute" />
              </>
            )}
          </p>
          {canAct && <IncidentActions orgSlug={orgSlug} incident={i} muted={muted} />}
        </div>
      </Card>
      <ListCard
        title="Conditions"
        rows={i.conditions.map((c) => ({ ...c, id: c.key }))}
        empty="No conditions."
        columns={["Condition", "Object", "What", "Since", "Fired", "Cleared"]}
        rowData={(c) => ({
          "data-testid": "incident-condition",
          "data-state": c.clearedAt ? "cleared" : "active",
        })}
        cells={(c) => (
          <>
            <Td>
              <code className="text-xs">{c.kind}</code>
            </Td>
            <Td className="break-words">
              {c.objectName}
              <span className="block text-xs text-slate-600">{c.objectType}</span>
            </Td>
            <Td className="break-words text-xs">{c.summary}</Td>
            <Td>
              <Time value={c.since} />
            </Td>
            <Td>
              <Time value={c.firedAt} />
            </Td>
            <Td>{c.clearedAt ? <Time value={c.clearedAt} /> : <Badge tone="red">active</Badge>}</Td>
          </>
        )}
      />
      <Card>
        <h2 className="mb-3 font-semibold">Timeline</h2>
        {i.timeline.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing yet.</p>
        ) : (
          <ol className="space-y-2 border-l-2 border-slate-200 pl-4">
            {i.timeline.map((e) => (
              <li key={e.id} className="text-sm" data-testid="incident-event" data-kind={e.kind}>
                <span className="text-xs text-slate-600">
                  <Time value={e.at} show="absolute" /> · <code>{e.kind}</code>
                </span>
                <span className="block break-words">{e.message}</span>
              </li>
            ))}
          </ol>
        )}
      </Card>
      <Card>
        <h2 className="mb-3 font-semibold">Notifications sent</h2>
        <NotificationTable
          orgSlug={orgSlug}
          label="Notifications sent"
          rows={i.notifications}
          empty="No notification: no channel was due one, or the incident was muted or in maintenance."
          by="channel"
          testId="incident-notification"
        />
      </Card>
    </div>
  );
}
