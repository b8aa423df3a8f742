// Who gets an org's monthly SLA report by mail (docs/reports.md, "Schedule").
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import type { ScheduleView } from "../schemas";

export async function getSchedule(tx: Tx, orgId: string): Promise<ScheduleView> {
  const row = await tx.reportSchedule.findUnique({ where: { orgId } });
  const last = await tx.reportDelivery.findFirst({
    where: { orgId },
    orderBy: { month: "desc" },
    select: { month: true, sentAt: true, recipients: true },
  });
  return { enabled: row?.enabled ?? false, recipients: row?.recipients ?? [], lastSent: last };
}

/** Turning it on starts from now: months that ended before are never sent. */
export async function setSchedule(
  tx: Tx,
  actor: Actor,
  orgId: string,
  input: { enabled: boolean; recipients: string[] },
  now = new Date(),
): Promise<ScheduleView> {
  const before = await getSchedule(tx, orgId);
  const turnedOn = input.enabled && !before.enabled;
  const data = { ...input, ...(turnedOn ? { enabledSince: now } : {}) };
  await tx.reportSchedule.upsert({ where: { orgId }, create: { orgId, ...data }, update: data });
  await writeAudit(tx, actor, {
    orgId,
    action: "report_schedule.update",
    targetType: "report_schedule",
    targetId: orgId,
    before: { enabled: before.enabled, recipients: before.recipients },
    after: input,
  });
  return getSchedule(tx, orgId);
}
