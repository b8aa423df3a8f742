// One attempt to send one notification: build the channel's payload, check the address,
// POST (or queue the emails), record what happened on the notification and the incident's
// timeline, and schedule the next attempt or give up. A slow or failing receiver holds only
// its own notification (each attempt is its own job, bounded by WEBHOOK_TIMEOUT_MS).
import type { Db, Tx } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { env } from "../../../platform/env";
import { parseCidrList } from "../../../platform/http/cidr";
import { enqueue } from "../../../platform/jobs/queues";
import { log } from "../../../platform/log/logger";
import { queueMail } from "../../../platform/mail/queue-mail";
import {
  backoffMs,
  type Lookup,
  postPinned,
  RefusedTarget,
  resolveTarget,
  webhookHeaders,
} from "../../webhooks";
import { notifyJob } from "../jobs";
import { openChannelSecret } from "./channel-secret";
import type { NotifyEvent } from "./enqueue";
import {
  emailOf,
  type IncidentView,
  pagerDutyBody,
  slackBody,
  teamsBody,
  webhookBody,
} from "./payloads";

/** Attempts before a notification is given up (failed, shown in the delivery log). */
export const MAX_ATTEMPTS = 8;
const alog = log.child({ component: "alerting" });

type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;

function load(tx: Tx, orgId: string, id: string) {
  return tx.notification.findFirst({
    where: { orgId, id },
    include: { channel: true, incident: true },
  });
}

async function viewOf(tx: Tx, n: Loaded): Promise<IncidentView> {
  const [org] = await tx.$queryRaw<{ name: string; slug: string }[]>`
    SELECT name, slug FROM organizations WHERE id = ${n.orgId}`;
  const base = `${env.APP_URL.replace(/\/$/, "")}/o/${org?.slug ?? ""}/incidents`;
  if (!n.incident)
    return {
      id: "test",
      number: 0,
      status: "open",
      severity: n.channel.minSeverity,
      title: `Test notification to ${n.channel.name}`,
      rootCause: "Sent from the portal to check this channel; no incident is open.",
      siteId: null,
      openedAt: n.createdAt,
      resolvedAt: null,
      url: base,
      orgName: org?.name ?? "",
    };
  return { ...n.incident, url: `${base}/${n.incident.id}`, orgName: org?.name ?? "" };
}

interface Outcome {
  ok: boolean;
  status?: number;
  error?: string;
  /** No point trying again (a refused address, a channel without its URL). */
  final?: boolean;
}

/** Emails go through the outbox (its worker delivers and retries them). */
async function queueEmails(tx: Tx, n: Loaded, view: IncidentView): Promise<Outcome> {
  const mail = emailOf(view, n.event as NotifyEvent | "test");
  for (const to of n.channel.recipients) await queueMail(tx, { to, ...mail, kind: "incident" });
  return { ok: true };
}

async function post(n: Loaded, view: IncidentView, lookup?: Lookup): Promise<Outcome> {
  const event = n.event as NotifyEvent | "test";
  const now = new Date();
  const secret = openChannelSecret(n.channel.secretSealed);
  const url =
    n.channel.kind === "pagerduty" ? (secret.url ?? env.PAGERDUTY_EVENTS_URL) : secret.url;
  if (!url) return { ok: false, error: "the channel has no URL", final: true };
  let body: string;
  let headers: Record<string, string> = {};
  switch (n.channel.kind) {
    case "slack":
      body = slackBody(view, event);
      break;
    case "teams":
      body = teamsBody(view, event);
      break;
    case "pagerduty":
      body = pagerDutyBody(secret.routingKey ?? "", view, event, now);
      break;
    default:
      body = webhookBody(n.id, n.orgId, view, event, now);
      headers = webhookHeaders({
        eventId: n.id,
        body,
        secrets: secret.secret ? [secret.secret] : [],
      });
  }
  const target = new URL(url);
  try {
    const address = await resolveTarget(target, {
      allow: parseCidrList(env.WEBHOOK_ALLOW_CIDRS, "WEBHOOK_ALLOW_CIDRS"),
      ...(lookup ? { lookup } : {}),
    });
    const r = await postPinned(target, address, body, headers, env.WEBHOOK_TIMEOUT_MS);
    return r.error
      ? { ok: false, status: r.status, error: r.error }
      : { ok: true, status: r.status };
  } catch (error) {
    if (error instanceof RefusedTarget) return { ok: false, error: error.message, final: true };
    throw error;
  }
}

/** Runs attempt `attempt` of a notification; a notification already sent or given up is left alone. */
export async function deliverNotification(
  db: Db,
  p: { orgId: string; notificationId: string; attempt: number },
  opts: { lookup?: Lookup } = {},
) {
  const { orgId } = p;
  const loaded = await withScope(db, { orgId }, async (tx) => {
    const n = await load(tx, orgId, p.notificationId);
    if (n?.status !== "pending" || n.attempts >= p.attempt) return undefined;
    return { n, view: await viewOf(tx, n) };
  });
  if (!loaded) return "nothing to do";
  const { n, view } = loaded;
  // No transaction is held while a receiver answers; emails are queued in the transaction
  // that marks the notification sent.
  const outcome =
    n.channel.kind === "email"
      ? undefined
      : await post(n, view, opts.lookup).catch((e: Error) => ({ ok: false, error: e.message }));
  return withScope(db, { orgId }, async (tx) => {
    const fresh = await tx.notification.findFirst({
      where: { orgId, id: n.id },
      select: { status: true, attempts: true },
    });
    if (fresh?.status !== "pending" || fresh.attempts >= p.attempt) return "already handled";
    const r: Outcome = outcome ?? (await queueEmails(tx, n, view));
    const attempts = fresh.attempts + 1;
    const giveUp = !r.ok && (r.final || attempts >= MAX_ATTEMPTS);
    const now = new Date();
    const retryIn = backoffMs(attempts, env.ALERT_NOTIFY_BACKOFF_MS);
    await tx.notification.update({
      where: { id: n.id, orgId },
      data: {
        attempts,
        status: r.ok ? "sent" : giveUp ? "failed" : "pending",
        responseStatus: r.status ?? null,
        error: r.error?.slice(0, 500) ?? null,
        ...(r.ok ? { sentAt: now } : {}),
        ...(!r.ok && !giveUp ? { nextAttemptAt: new Date(now.getTime() + retryIn) } : {}),
      },
    });
    if (n.incidentId && (r.ok || giveUp))
      await tx.incidentEvent.create({
        data: {
          orgId,
          incidentId: n.incidentId,
          at: now,
          kind: "notified",
          message: r.ok
            ? `${n.event === "opened" ? "Notified" : `Sent "${n.event}" to`} ${n.channel.name} (${n.channel.kind})`
            : `Could not notify ${n.channel.name} (${n.channel.kind}) after ${attempts} attempt(s): ${r.error ?? "failed"}`.slice(
                0,
                2000,
              ),
        },
      });
    if (!r.ok && !giveUp)
      await enqueue(
        notifyJob,
        { orgId, notificationId: n.id, attempt: attempts + 1 },
        { delayMs: retryIn },
      ).catch((error: Error) =>
        alog.warn("notification retry not enqueued; left for the sweep", { error: error.message }),
      );
    return r.ok ? "sent" : giveUp ? "failed" : "will retry";
  });
}

/**
 * The notification sweep: a pending notification whose attempt is overdue by a minute (its
 * job was lost: Redis restarted, a worker crashed) is handed to a job again.
 */
export async function sweepNotifications(db: Db) {
  const due = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.alert_dispatcher', 'on', true)`;
    return tx.$queryRaw<{ orgId: string; id: string; attempts: number }[]>`
      SELECT "orgId", id, attempts FROM notifications
      WHERE status = 'pending' AND "nextAttemptAt" < now() - interval '1 minute'
      ORDER BY "nextAttemptAt" LIMIT 1000`;
  });
  for (const d of due)
    await enqueue(notifyJob, {
      orgId: d.orgId,
      notificationId: d.id,
      attempt: d.attempts + 1,
    }).catch(() => undefined);
  return due.length;
}
