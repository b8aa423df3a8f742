// An org's webhook endpoints. Every change writes the audit log in its transaction; the
// secret appears in no audit entry and no log line.
import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Tx } from "../../../platform/db/client";
import { env } from "../../../platform/env";
import { notFound } from "../../../platform/errors";
import { newSecret, sealSecret } from "./secrets";

const HOUR = 3_600_000;
const STATUSES = ["pending", "sending", "succeeded", "dead"] as const;

type EndpointRow = Awaited<ReturnType<typeof requireEndpoint>>;

async function countsOf(tx: Tx, orgId: string, endpointIds: string[]) {
  const rows = await tx.webhookDelivery.groupBy({
    by: ["endpointId", "status"],
    where: { orgId, endpointId: { in: endpointIds } },
    _count: { _all: true },
  });
  return (endpointId: string) =>
    Object.fromEntries(
      STATUSES.map((s) => [
        s,
        rows.find((r) => r.endpointId === endpointId && r.status === s)?._count._all ?? 0,
      ]),
    ) as Record<(typeof STATUSES)[number], number>;
}

function view(e: EndpointRow, counts: Record<(typeof STATUSES)[number], number>) {
  const rotating = e.previousExpiresAt && e.previousExpiresAt > new Date();
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    enabled: e.enabled,
    events: e.events,
    previousSecretExpiresAt: rotating ? e.previousExpiresAt : null,
    createdAt: e.createdAt,
    counts,
  };
}

export async function requireEndpoint(tx: Tx, orgId: string, endpointId: string) {
  const endpoint = await tx.webhookEndpoint.findFirst({ where: { orgId, id: endpointId } });
  if (!endpoint) throw notFound("Webhook endpoint");
  return endpoint;
}

export async function listEndpoints(tx: Tx, orgId: string) {
  const rows = await tx.webhookEndpoint.findMany({
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

async function viewOne(tx: Tx, e: EndpointRow) {
  return view(e, (await countsOf(tx, e.orgId, [e.id]))(e.id));
}

export interface EndpointInput {
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
}

export async function createEndpoint(tx: Tx, actor: Actor, orgId: string, input: EndpointInput) {
  const secret = newSecret();
  const endpoint = await tx.webhookEndpoint.create({
    data: { orgId, ...input, secretSealed: sealSecret(secret) },
  });
  await writeAudit(tx, actor, {
    orgId,
    action: "webhook.create",
    targetType: "webhook_endpoint",
    targetId: endpoint.id,
    after: { url: input.url, events: input.events, enabled: input.enabled },
  });
  return { endpoint: await viewOne(tx, endpoint), secret };
}

export async function updateEndpoint(
  tx: Tx,
  actor: Actor,
  orgId: string,
  endpointId: string,
  input: Partial<EndpointInput>,
) {
  const before = await requireEndpoint(tx, orgId, endpointId);
  const endpoint = await tx.webhookEndpoint.update({
    where: { id: before.id, orgId },
    data: input,
  });
  if (before.enabled !== endpoint.enabled)
    // Disabled: its waiting deliveries pause (no time set); enabled again, they are due now.
    await tx.webhookDelivery.updateMany({
      where: { orgId, endpointId, status: "pending" },
      data: { nextAttemptAt: endpoint.enabled ? new Date() : null },
    });
  await writeAudit(tx, actor, {
    orgId,
    action: "webhook.update",
    targetType: "webhook_endpoint",
    targetId: endpoint.id,
    before: { url: before.url, events: before.events, enabled: before.enabled },
    after: { url: endpoint.url, events: endpoint.events, enabled: endpoint.enabled },
  });
  return viewOne(tx, endpoint);
}

export async function deleteEndpoint(tx: Tx, actor: Actor, orgId: string, endpointId: string) {
  const endpoint = await requireEndpoint(tx, orgId, endpointId);
  await tx.webhookEndpoint.delete({ where: { id: endpoint.id, orgId } });
  await writeAudit(tx, actor, {
    orgId,
    action: "webhook.delete",
    targetType: "webhook_endpoint",
    targetId: endpoint.id,
    before: { url: endpoint.url, events: endpoint.events },
  });
}

/**
 * A new secret signs from now on; the current one keeps signing too (a second signature)
 * for WEBHOOK_ROTATION_HOURS, so receivers can switch without losing a delivery. A second
 * rotation within that window drops the oldest secret.
 */
export async function rotateSecret(tx: Tx, actor: Actor, orgId: string, endpointId: string) {
  const before = await requireEndpoint(tx, orgId, endpointId);
  const secret = newSecret();
  const previousExpiresAt = new Date(Date.now() + env.WEBHOOK_ROTATION_HOURS * HOUR);
  const endpoint = await tx.webhookEndpoint.update({
    where: { id: before.id, orgId },
    data: {
      secretSealed: sealSecret(secret),
      previousSecretSealed: before.secretSealed,
      previousExpiresAt,
    },
  });
  await writeAudit(tx, actor, {
    orgId,
    action: "webhook.rotate_secret",
    targetType: "webhook_endpoint",
    targetId: endpoint.id,
    after: { previousSecretExpiresAt: previousExpiresAt.toISOString() },
  });
  return { endpoint: await viewOne(tx, endpoint), secret };
}
