// Which channels hear of an incident change: enabled ones whose minimum severity it meets,
// unless the incident is muted or was opened in a maintenance window. One notification row
// per channel, written in the change's transaction and sent after its commit.
import type { Tx } from "../../../platform/db/client";
import { afterCommit } from "../../../platform/db/with-tenant";
import { enqueueOrLeave } from "../../../platform/jobs/queues";
import { notifyJob } from "../jobs";
import { severityRank } from "../rules/catalog";

export type NotifyEvent = "opened" | "escalated" | "acknowledged" | "resolved";

export async function notifyIncident(
  tx: Tx,
  incident: {
    id: string;
    orgId: string;
    severity: string;
    suppressed: boolean;
    mutedUntil: Date | null;
  },
  event: NotifyEvent,
  now: Date,
) {
  if (incident.suppressed || (incident.mutedUntil && incident.mutedUntil > now)) return 0;
  const channels = await tx.notificationChannel.findMany({
    where: { orgId: incident.orgId, enabled: true },
    select: { id: true, minSeverity: true },
  });
  const to = channels.filter((c) => severityRank(c.minSeverity) <= severityRank(incident.severity));
  for (const c of to) {
    const row = await tx.notification.create({
      data: { orgId: incident.orgId, channelId: c.id, incidentId: incident.id, event },
      select: { id: true },
    });
    await sendAfterCommit(tx, incident.orgId, row.id);
  }
  return to.length;
}

export async function sendAfterCommit(tx: Tx, orgId: string, notificationId: string) {
  await afterCommit(tx, () =>
    enqueueOrLeave(notifyJob, { orgId, notificationId, attempt: 1 }, "the notification sweep"),
  );
}
