// An org's notification channels. A channel's URL is sealed at rest (Slack's and Teams'
// carry their secret in it) and shown only as its host; a webhook channel's signing secret
// is shown once, at creation. Changes are audited, without any secret.
import { randomBytes } from "node:crypto";
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { AppError, notFound } from "../../../platform/errors";
import { openChannelSecret, sealChannelSecret } from "../notify/channel-secret";
import { sendAfterCommit } from "../notify/enqueue";
import type { Severity } from "../rules/catalog";
import type { ChannelKind } from "../schemas";
import { auditJson } from "./audit-json";

export interface ChannelInput {
  name: string;
  kind: ChannelKind;
  enabled: boolean;
  minSeverity: Severity;
  recipients?: string[];
  url?: string;
  routingKey?: string;
}

type Row = Awaited<ReturnType<typeof requireChannel>>;
const DAY = 86_400_000;

async function countsOf(tx: Tx, orgId: string, ids: string[]) {
  const rows = await tx.notification.groupBy({
    by: ["channelId", "status"],
    where: { orgId, channelId: { in: ids }, createdAt: { gt: new Date(Date.now() - DAY) } },
    _count: { _all: true },
  });
  return (id: string) => {
    const n = (status: string) =>
      rows.find((r) => r.channelId === id && r.status === status)?._count._all ?? 0;
    return { sent: n("sent"), pending: n("pending"), failed: n("failed") };
  };
}

const view = (c: Row, counts: { sent: number; pending: number; failed: number }) => ({
  id: c.id,
  name: c.name,
  kind: c.kind as ChannelKind,
  enabled: c.enabled,
  minSeverity: c.minSeverity as Severity,
  recipients: c.recipients,
  target: c.target,
  createdAt: c.createdAt,
  counts,
});
const auditView = (c: Row) =>
  auditJson({
    name: c.name,
    kind: c.kind,
    enabled: c.enabled,
    minSeverity: c.minSeverity,
    recipients: c.recipients,
    target: c.target,
  });

export async function requireChannel(tx: Tx, orgId: string, id: string) {
  const c = await tx.notificationChannel.findFirst({ where: { orgId, id } });
  if (!c) throw notFound("Notification channel");
  return c;
}

/** What each kind needs: recipients for email, a URL for the hooks, a routing key for PagerDuty. */
function secretFor(
  kind: ChannelKind,
  input: Partial<ChannelInput>,
  before?: ReturnType<typeof openChannelSecret>,
) {
  const need = (what: string, value: unknown) => {
    if (!value)
      throw new AppError("BAD_REQUEST", `A ${kind} channel needs ${what}`, { field: what });
  };
  switch (kind) {
    case "email":
      need("recipients", input.recipients?.length);
      return { secret: null, newSecret: null, target: "" };
    case "pagerduty": {
      const routingKey = input.routingKey ?? before?.routingKey;
      need("routingKey", routingKey);
      const url = input.url ?? before?.url;
      return {
        secret: sealChannelSecret({ routingKey, ...(url ? { url } : {}) }),
        newSecret: null,
        target: url ? new URL(url).host : "events.pagerduty.com",
      };
    }
    default: {
      const url = input.url ?? before?.url;
      need("url", url);
      const signing =
        kind === "webhook"
          ? (before?.secret ?? `whsec_${randomBytes(24).toString("base64url")}`)
          : undefined;
      return {
        secret: sealChannelSecret({ url, ...(signing ? { secret: signing } : {}) }),
        newSecret: kind === "webhook" && !before?.secret ? (signing ?? null) : null,
        target: new URL(url as string).host,
      };
    }
  }
}

export async function listChannels(tx: Tx, orgId: string) {
  const rows = await tx.notificationChannel.findMany({
    where: { orgId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const counts = await countsOf(
    tx,
    orgId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => view(r, counts(r.id)));
}

export async function createChannel(tx: Tx, actor: Actor, orgId: string, input: ChannelInput) {
  const s = secretFor(input.kind, input);
  const c = await tx.notificationChannel.create({
    data: {
      orgId,
      name: input.name,
      kind: input.kind,
      enabled: input.enabled,
      minSeverity: input.minSeverity,
      recipients: input.kind === "email" ? [...new Set(input.recipients)] : [],
      target: s.target,
      secretSealed: s.secret,
    },
  });
  await writeAudit(tx, actor, {
    orgId,
    action: "alert_channel.create",
    targetType: "notification_channel",
    targetId: c.id,
    after: auditView(c),
  });
  return { ...view(c, { sent: 0, pending: 0, failed: 0 }), secret: s.newSecret };
}

export async function updateChannel(
  tx: Tx,
  actor: Actor,
  orgId: string,
  id: string,
  input: Partial<Omit<ChannelInput, "kind">>,
) {
  const before = await requireChannel(tx, orgId, id);
  const kind = before.kind as ChannelKind;
  const secretChange =
    input.url !== undefined || input.routingKey !== undefined || input.recipients !== undefined;
  const s = secretChange
    ? secretFor(kind, input, openChannelSecret(before.secretSealed))
    : undefined;
  const c = await tx.notificationChannel.update({
    where: { id, orgId },
    data: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(input.minSeverity !== undefined ? { minSeverity: input.minSeverity } : {}),
      ...(kind === "email" && input.recipients
        ? { recipients: [...new Set(input.recipients)] }
        : {}),
      ...(s && kind !== "email" ? { target: s.target, secretSealed: s.secret } : {}),
    },
  });
  await writeAudit(tx, actor, {
    orgId,
    action: "alert_channel.update",
    targetType: "notification_channel",
    targetId: id,
    before: auditView(before),
    after: auditView(c),
  });
  return view(c, (await countsOf(tx, orgId, [id]))(id));
}

export async function deleteChannel(tx: Tx, actor: Actor, orgId: string, id: string) {
  const before = await requireChannel(tx, orgId, id);
  await tx.notificationChannel.delete({ where: { id, orgId } });
  await writeAudit(tx, actor, {
    orgId,
    action: "alert_channel.delete",
    targetType: "notification_channel",
    targetId: id,
    before: auditView(before),
  });
}

/** Sends a test notification to the channel now; its outcome shows in the channel's log. */
export async function testChannel(tx: Tx, orgId: string, id: string) {
  const c = await requireChannel(tx, orgId, id);
  const n = await tx.notification.create({ data: { orgId, channelId: c.id, event: "test" } });
  await sendAfterCommit(tx, orgId, n.id);
  return { notificationId: n.id };
}

export const notificationView = (n: {
  id: string;
  channelId: string;
  incidentId: string | null;
  event: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  error: string | null;
  createdAt: Date;
  sentAt: Date | null;
  channel: { name: string; kind: string };
}) => ({
  id: n.id,
  channelId: n.channelId,
  channelName: n.channel.name,
  channelKind: n.channel.kind as ChannelKind,
  incidentId: n.incidentId,
  event: n.event,
  status: n.status as "pending" | "sent" | "failed",
  attempts: n.attempts,
  responseStatus: n.responseStatus,
  error: n.error,
  createdAt: n.createdAt,
  sentAt: n.sentAt,
});

export async function listNotifications(
  tx: Tx,
  orgId: string,
  channelId: string | undefined,
  limit: number,
) {
  if (channelId) await requireChannel(tx, orgId, channelId);
  const rows = await tx.notification.findMany({
    where: { orgId, ...(channelId ? { channelId } : {}) },
    include: { channel: { select: { name: true, kind: true } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  return rows.map(notificationView);
}
