// Evaluates one org: reads the signals its rules watch, fires conditions, correlates them
// into incidents and writes what changed (opened, conditions joined or cleared, escalated,
// resolved) with the notifications each change sends, all in one transaction under the
// org's lock, so two evaluators never open the same incident twice.
import type { Db, Tx } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { emitEvent } from "../../../platform/events/emit-event";
import { billingEnabled, planUsage } from "../../billing";
import { notifyIncident } from "../notify/enqueue";
import {
  KINDS,
  parseParams,
  type Rule,
  type RuleKind,
  severityRank,
  ZSeverity,
} from "../rules/catalog";
import { writeDefaultRules } from "../services/rules";
import { applyRules, type Condition, nextDue } from "./apply-rules";
import { correlate, type Group, type Topology } from "./correlate";
import type { Signal } from "./signals";
import * as read from "./signals";

export interface EvaluationResult {
  opened: number;
  resolved: number;
  updated: number;
}

/** Marks the evaluation; an org evaluated for the first time gets the default rules. */
async function touchSettings(tx: Tx, orgId: string, now: Date) {
  const [row] = await tx.$queryRaw<{ inserted: boolean; nextDueAt: Date | null }[]>`
    INSERT INTO alert_settings ("orgId", "evaluatedAt") VALUES (${orgId}, ${now})
    ON CONFLICT ("orgId") DO UPDATE SET "evaluatedAt" = excluded."evaluatedAt"
    RETURNING (xmax = 0) AS inserted, "nextDueAt"`;
  if (row?.inserted) await writeDefaultRules(tx, orgId);
  return row?.nextDueAt ?? null;
}

async function loadRules(tx: Tx, orgId: string): Promise<Rule[]> {
  const rows = await tx.alertRule.findMany({ where: { orgId, enabled: true } });
  return rows.flatMap((r) => {
    const kind = r.kind as RuleKind;
    const severity = ZSeverity.safeParse(r.severity);
    if (!KINDS.includes(kind) || !severity.success) return [];
    try {
      const params = parseParams(kind, r.params) as Record<string, unknown>;
      return [{ ...r, kind, severity: severity.data, params }];
    } catch {
      return [];
    }
  });
}

async function quotaSignals(tx: Tx, orgId: string, now: Date): Promise<Signal[]> {
  const usage = await planUsage(tx, orgId);
  if (!usage.enabled) return [];
  const of = (resource: string, used: number, max: number | null, what: string): Signal[] =>
    max && max > 0
      ? [
          {
            kind: "quota",
            objectKey: resource,
            objectType: "org",
            objectId: resource,
            objectName: resource,
            siteId: null,
            tags: [],
            since: now,
            percent: Math.floor((used / max) * 100),
            summary: `${what}: ${Math.floor((used / max) * 100)} % of the ${usage.plan.name} plan's limit`,
          },
        ]
      : [];
  return [
    ...of(
      "sites",
      usage.sites.used,
      usage.sites.max,
      `${usage.sites.used} of ${usage.sites.max} sites`,
    ),
    ...of(
      "devices",
      usage.devices.used,
      usage.devices.max,
      `${usage.devices.used} of ${usage.devices.max} devices`,
    ),
    ...of(
      "data",
      usage.data.usedBytes,
      usage.data.includedBytes,
      `${(usage.data.usedBytes / 1e9).toFixed(1)} GB of ${((usage.data.includedBytes ?? 0) / 1e9).toFixed(0)} GB of data this period`,
    ),
  ];
}

/** The signals of every kind some enabled rule watches. */
async function readSignals(tx: Tx, orgId: string, rules: readonly Rule[], now: Date) {
  const kinds = new Set(rules.map((r) => r.kind));
  const widest = (kind: RuleKind, param: string) =>
    Math.max(...rules.filter((r) => r.kind === kind).map((r) => r.params[param] as number));
  const out: Signal[] = [];
  if (kinds.has("device_offline") || kinds.has("config_failed") || kinds.has("cert_expiry"))
    out.push(
      ...(await read.deviceSignals(tx, orgId, {
        offline: kinds.has("device_offline"),
        config: kinds.has("config_failed"),
        certDays: kinds.has("cert_expiry") ? widest("cert_expiry", "days") : null,
      })),
    );
  if (kinds.has("path_down") || kinds.has("sla_violation"))
    out.push(
      ...(await read.pathStates(tx, orgId, {
        paths: kinds.has("path_down"),
        sla: kinds.has("sla_violation"),
      })),
    );
  if (kinds.has("failover_storm"))
    out.push(...(await read.failoverStorm(tx, orgId, widest("failover_storm", "windowSeconds"))));
  if (kinds.has("rollout_halted")) out.push(...(await read.rolloutHalted(tx, orgId)));
  if (kinds.has("quota") && billingEnabled()) out.push(...(await quotaSignals(tx, orgId, now)));
  if (kinds.has("billing_grace")) out.push(...(await read.billingGrace(tx, orgId)));
  return out;
}

async function readTopology(tx: Tx, orgId: string): Promise<Topology> {
  const sites = await tx.$queryRaw<{ id: string; name: string }[]>`
    SELECT id, name FROM sites WHERE "orgId" = ${orgId}`;
  const links = await tx.$queryRaw<{ id: string; siteId: string; name: string; kind: string }[]>`
    SELECT id, "siteId", name, kind FROM wan_links WHERE "orgId" = ${orgId}`;
  const devices = await tx.$queryRaw<
    { id: string; siteId: string; hostname: string; paths: string[] }[]
  >`
    SELECT d.id, d."siteId", d.hostname,
      coalesce(array(
        SELECT t->>'pathId' FROM jsonb_array_elements(
          CASE WHEN jsonb_typeof(d."overlayStatus"->'tunnels') = 'array'
            THEN d."overlayStatus"->'tunnels' ELSE '[]'::jsonb END) t
        WHERE t->>'pathId' IS NOT NULL), '{}') AS paths
    FROM devices d WHERE d."orgId" = ${orgId} AND d.status = 'active'`;
  const failovers = await tx.$queryRaw<
    { deviceId: string; unit: string; fromPath: string | null; at: Date }[]
  >`
    SELECT "deviceId", unit, "fromPath", at FROM path_events
    WHERE "orgId" = ${orgId} AND kind = 'failover' AND at > now() - interval '1 hour'`;
  return {
    sites: new Map(sites.map((s) => [s.id, s])),
    links: new Map(links.map((l) => [l.id, l])),
    devices: new Map(devices.map((d) => [d.id, d])),
    paths: new Set(devices.flatMap((d) => d.paths)),
    failovers,
  };
}

const EMPTY_TOPOLOGY: Topology = {
  sites: new Map(),
  links: new Map(),
  devices: new Map(),
  paths: new Set(),
  failovers: [],
};

async function inMaintenance(tx: Tx, orgId: string, siteId: string | null, now: Date) {
  const windows = await tx.maintenanceWindow.findMany({
    where: { orgId, startsAt: { lte: now }, endsAt: { gt: now } },
    select: { siteIds: true },
  });
  return windows.some(
    (w) => w.siteIds.length === 0 || (siteId !== null && w.siteIds.includes(siteId)),
  );
}

const conditionRow = (orgId: string, incidentId: string, c: Condition) => ({
  orgId,
  incidentId,
  key: c.key,
  ruleId: c.ruleId,
  kind: c.kind,
  objectType: c.objectType,
  objectId: c.objectId,
  objectName: c.objectName.slice(0, 300),
  summary: c.summary.slice(0, 1000),
  since: c.since,
});

async function openIncident(tx: Tx, orgId: string, g: Group, now: Date) {
  const [counter] = await tx.$queryRaw<{ number: number }[]>`
    UPDATE alert_settings SET "nextIncidentNumber" = greatest("nextIncidentNumber",
      coalesce((SELECT max(number) FROM incidents WHERE "orgId" = ${orgId}), 0) + 1) + 1
    WHERE "orgId" = ${orgId} RETURNING "nextIncidentNumber" - 1 AS number`;
  const incident = await tx.incident.create({
    data: {
      orgId,
      number: counter?.number ?? 1,
      key: g.key,
      openKey: g.key,
      status: "open",
      severity: g.severity,
      title: g.title.slice(0, 300),
      rootCause: g.rootCause.slice(0, 2000),
      siteId: g.siteId,
      suppressed: await inMaintenance(tx, orgId, g.siteId, now),
      openedAt: now,
    },
  });
  await tx.incidentCondition.createMany({
    data: g.conditions.map((c) => conditionRow(orgId, incident.id, c)),
  });
  await tx.incidentEvent.create({
    data: {
      orgId,
      incidentId: incident.id,
      at: now,
      kind: "opened",
      message:
        `Opened${incident.suppressed ? " in a maintenance window (nobody notified)" : ""}: ${g.rootCause}`.slice(
          0,
          2000,
        ),
    },
  });
  await notifyIncident(tx, incident, "opened", now);
  await emitEvent(tx, orgId, "incident.opened", incidentEventData(incident));
}

export const incidentEventData = (i: {
  id: string;
  number: number;
  severity: string;
  title: string;
  rootCause: string;
  siteId: string | null;
  status: string;
}) => ({
  incidentId: i.id,
  number: i.number,
  status: i.status,
  severity: i.severity,
  title: i.title,
  rootCause: i.rootCause,
  siteId: i.siteId,
});

type OpenIncident = Awaited<ReturnType<typeof loadOpen>>[number];

const loadOpen = (tx: Tx, orgId: string) =>
  tx.incident.findMany({
    where: { orgId, openKey: { not: null } },
    include: { conditions: { where: { clearedAt: null } } },
  });

async function updateIncident(tx: Tx, orgId: string, inc: OpenIncident, g: Group, now: Date) {
  const active = new Map(inc.conditions.map((c) => [c.key, c]));
  const current = new Map(g.conditions.map((c) => [c.key, c]));
  const events: { kind: string; message: string }[] = [];
  for (const c of g.conditions) {
    if (active.has(c.key)) continue;
    const row = conditionRow(orgId, inc.id, c);
    // A condition that cleared earlier in this incident fires again on its old row.
    const again = await tx.incidentCondition.updateMany({
      where: { orgId, incidentId: inc.id, key: c.key },
      data: { ...row, firedAt: now, clearedAt: null },
    });
    if (again.count === 0) await tx.incidentCondition.create({ data: row });
    events.push({ kind: "condition_fired", message: c.summary });
  }
  const cleared = inc.conditions.filter((c) => !current.has(c.key));
  if (cleared.length > 0) {
    await tx.incidentCondition.updateMany({
      where: { orgId, incidentId: inc.id, key: { in: cleared.map((c) => c.key) } },
      data: { clearedAt: now },
    });
    for (const c of cleared)
      events.push({ kind: "condition_cleared", message: `Cleared: ${c.summary}` });
  }
  const escalated = severityRank(g.severity) > severityRank(inc.severity);
  if (escalated)
    events.push({
      kind: "severity",
      message: `Severity raised from ${inc.severity} to ${g.severity}`,
    });
  if (g.title !== inc.title) events.push({ kind: "cause", message: `Now: ${g.rootCause}` });
  const changed = events.length > 0 || g.rootCause !== inc.rootCause;
  if (!changed) return false;
  const updated = await tx.incident.update({
    where: { id: inc.id, orgId },
    data: {
      title: g.title.slice(0, 300),
      rootCause: g.rootCause.slice(0, 2000),
      ...(escalated ? { severity: g.severity } : {}),
    },
  });
  if (events.length > 0)
    await tx.incidentEvent.createMany({
      data: events.map((e) => ({
        orgId,
        incidentId: inc.id,
        at: now,
        ...e,
        message: e.message.slice(0, 2000),
      })),
    });
  if (escalated) await notifyIncident(tx, updated, "escalated", now);
  return true;
}

async function resolveIncident(tx: Tx, orgId: string, inc: OpenIncident, now: Date) {
  const resolved = await tx.incident.update({
    where: { id: inc.id, orgId },
    data: { status: "resolved", openKey: null, resolvedAt: now },
  });
  await tx.incidentCondition.updateMany({
    where: { orgId, incidentId: inc.id, clearedAt: null },
    data: { clearedAt: now },
  });
  const minutes = Math.max(1, Math.round((now.getTime() - inc.openedAt.getTime()) / 60_000));
  await tx.incidentEvent.create({
    data: {
      orgId,
      incidentId: inc.id,
      at: now,
      kind: "resolved",
      message: `Resolved: every condition cleared (open ${minutes} min)`,
    },
  });
  await notifyIncident(tx, resolved, "resolved", now);
  await emitEvent(tx, orgId, "incident.resolved", incidentEventData(resolved));
}

/** Evaluates one org now; safe to run on many workers at once (one waits for the other). */
export async function evaluateOrg(
  db: Db,
  orgId: string,
  now = new Date(),
): Promise<EvaluationResult> {
  return withScope(
    db,
    { orgId },
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('alerting'), hashtext(${orgId}))`;
      const dueBefore = await touchSettings(tx, orgId, now);
      const rules = await loadRules(tx, orgId);
      const signals = await readSignals(tx, orgId, rules, now);
      const conditions = applyRules(rules, signals, now);
      const due = nextDue(rules, signals, now);
      if ((due?.getTime() ?? null) !== (dueBefore?.getTime() ?? null))
        await tx.$executeRaw`UPDATE alert_settings SET "nextDueAt" = ${due} WHERE "orgId" = ${orgId}`;
      const siteLevel = conditions.some((c) => c.siteId !== null);
      const groups = correlate(
        conditions,
        siteLevel ? await readTopology(tx, orgId) : EMPTY_TOPOLOGY,
      );
      const open = new Map((await loadOpen(tx, orgId)).map((i) => [i.key, i]));
      const result: EvaluationResult = { opened: 0, resolved: 0, updated: 0 };
      for (const g of groups) {
        const inc = open.get(g.key);
        open.delete(g.key);
        if (!inc) {
          await openIncident(tx, orgId, g, now);
          result.opened++;
        } else if (await updateIncident(tx, orgId, inc, g, now)) result.updated++;
      }
      for (const inc of open.values()) {
        await resolveIncident(tx, orgId, inc, now);
        result.resolved++;
      }
      return result;
    },
    { timeoutMs: 60_000, maxWaitMs: 10_000 },
  );
}
