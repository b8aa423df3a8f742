// An org's incidents: the list, one incident with its conditions, timeline and
// notifications, and what people do with one (acknowledge, mute, unmute). Resolution is the
// evaluator's: an incident resolves when its last condition clears.
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { AppError, notFound } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/emit-event";
import { keysetArgs, type PageQuery, pageOf } from "../../../platform/pagination";
import { incidentEventData } from "../engine/evaluate";
import { notifyIncident } from "../notify/enqueue";
import type { Severity } from "../rules/catalog";
import { notificationView } from "./channels";

const actorLabel = (a: Actor) =>
  a.kind === "user" ? a.email : a.kind === "apiKey" ? `API key ${a.id}` : a.id;
const actorRef = (a: Actor) => `${a.kind}:${a.id}`;

type Row = Awaited<ReturnType<typeof requireIncident>>;

async function siteNames(tx: Tx, orgId: string, ids: (string | null)[]) {
  const want = [...new Set(ids.filter((i): i is string => i !== null))];
  if (want.length === 0) return new Map<string, string>();
  const sites = await tx.site.findMany({
    where: { orgId, id: { in: want } },
    select: { id: true, name: true },
  });
  return new Map(sites.map((s) => [s.id, s.name]));
}

const view = (
  i: Row & { _count?: { conditions: number } },
  names: Map<string, string>,
  active: number,
) => ({
  id: i.id,
  number: i.number,
  status: i.status as "open" | "acknowledged" | "resolved",
  severity: i.severity as Severity,
  title: i.title,
  rootCause: i.rootCause,
  siteId: i.siteId,
  siteName: i.siteId ? (names.get(i.siteId) ?? null) : null,
  suppressed: i.suppressed,
  openedAt: i.openedAt,
  acknowledgedAt: i.acknowledgedAt,
  acknowledgedBy: i.acknowledgedBy,
  mutedUntil: i.mutedUntil,
  resolvedAt: i.resolvedAt,
  active,
});

async function requireIncident(tx: Tx, orgId: string, id: string) {
  const i = await tx.incident.findFirst({ where: { orgId, id } });
  if (!i) throw notFound("Incident");
  return i;
}

export interface IncidentFilters {
  status?: "open" | "acknowledged" | "resolved" | "active";
  severity?: Severity;
  siteId?: string;
}

export async function listIncidents(tx: Tx, orgId: string, f: IncidentFilters, q: PageQuery) {
  const where = {
    orgId,
    ...(f.status === "active"
      ? { status: { in: ["open", "acknowledged"] } }
      : f.status
        ? { status: f.status }
        : {}),
    ...(f.severity ? { severity: f.severity } : {}),
    ...(f.siteId ? { siteId: f.siteId } : {}),
  };
  const args = keysetArgs(q);
  const rows = await tx.incident.findMany({
    ...args,
    where: { ...where, ...(args.where ?? {}) },
    include: { _count: { select: { conditions: { where: { clearedAt: null } } } } },
  });
  const total = await tx.incident.count({ where });
  const names = await siteNames(
    tx,
    orgId,
    rows.map((r) => r.siteId),
  );
  return pageOf(rows, q, (r) => view(r, names, r._count.conditions), total);
}

export async function getIncident(tx: Tx, orgId: string, id: string) {
  const i = await requireIncident(tx, orgId, id);
  const [conditions, timeline, notifications] = await Promise.all([
    tx.incidentCondition.findMany({
      where: { orgId, incidentId: id },
      orderBy: [{ firedAt: "asc" }, { key: "asc" }],
    }),
    tx.incidentEvent.findMany({
      where: { orgId, incidentId: id },
      orderBy: [{ at: "asc" }, { id: "asc" }],
      take: 500,
    }),
    tx.notification.findMany({
      where: { orgId, incidentId: id },
      include: { channel: { select: { name: true, kind: true } } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: 200,
    }),
  ]);
  const names = await siteNames(tx, orgId, [i.siteId]);
  return {
    ...view(i, names, conditions.filter((c) => !c.clearedAt).length),
    conditions: conditions.map(({ orgId: _o, incidentId: _i, ruleId: _r, ...c }) => c),
    timeline: timeline.map(({ orgId: _o, incidentId: _i, ...e }) => e),
    notifications: notifications.map(notificationView),
  };
}

async function act(
  tx: Tx,
  actor: Actor,
  orgId: string,
  id: string,
  action: string,
  change: (i: Row) => object,
  message: string,
) {
  const before = await requireIncident(tx, orgId, id);
  const after = await tx.incident.update({ where: { id, orgId }, data: change(before) });
  await tx.incidentEvent.create({
    data: {
      orgId,
      incidentId: id,
      kind: action,
      message: `${message} by ${actorLabel(actor)}`.slice(0, 2000),
      actor: actorRef(actor),
    },
  });
  await writeAudit(tx, actor, {
    orgId,
    action: `incident.${action}`,
    targetType: "incident",
    targetId: id,
    before: { status: before.status, mutedUntil: before.mutedUntil?.toISOString() ?? null },
    after: { status: after.status, mutedUntil: after.mutedUntil?.toISOString() ?? null },
  });
  return after;
}

export async function acknowledgeIncident(tx: Tx, actor: Actor, orgId: string, id: string) {
  const i = await requireIncident(tx, orgId, id);
  if (i.status === "resolved") throw new AppError("CONFLICT", "The incident is already resolved");
  if (i.status === "acknowledged") return getIncident(tx, orgId, id);
  const now = new Date();
  const after = await act(
    tx,
    actor,
    orgId,
    id,
    "acknowledged",
    () => ({
      status: "acknowledged",
      acknowledgedAt: now,
      acknowledgedBy: actorLabel(actor).slice(0, 300),
    }),
    "Acknowledged",
  );
  await notifyIncident(tx, after, "acknowledged", now);
  await emitEvent(tx, orgId, "incident.acknowledged", incidentEventData(after));
  return getIncident(tx, orgId, id);
}

export async function muteIncident(
  tx: Tx,
  actor: Actor,
  orgId: string,
  id: string,
  minutes: number | null,
) {
  const i = await requireIncident(tx, orgId, id);
  if (i.status === "resolved") throw new AppError("CONFLICT", "The incident is already resolved");
  const until = minutes === null ? null : new Date(Date.now() + minutes * 60_000);
  await act(
    tx,
    actor,
    orgId,
    id,
    until ? "muted" : "unmuted",
    () => ({ mutedUntil: until }),
    until ? `Muted until ${until.toISOString()}` : "Unmuted",
  );
  return getIncident(tx, orgId, id);
}
