// One attempt of one claimed delivery: sign, check the address, POST, record what happened,
// then schedule the retry or dead-letter it, and hand the endpoint's slot on.
import type { Db } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { env } from "../../../platform/env";
import { parseCidrList } from "../../../platform/http/cidr";
import { log } from "../../../platform/log/logger";
import { liveSecrets } from "../services/secrets";
import { pumpEndpoint, pumpLater } from "./dispatch";
import { type PostResult, postPinned } from "./post";
import { type Lookup, RefusedTarget, resolveTarget } from "./resolve-target";
import { webhookHeaders } from "./sign";

const HOUR = 3_600_000;
const MAX_BACKOFF_MS = HOUR;

const operatorAllowList = () => parseCidrList(env.WEBHOOK_ALLOW_CIDRS, "WEBHOOK_ALLOW_CIDRS");

/** Wait before retry number `attempt` (1-based): exponential, capped, with jitter (50-100 %). */
export function backoffMs(
  attempt: number,
  baseMs = env.WEBHOOK_BACKOFF_BASE_MS,
  random = Math.random,
) {
  const full = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(full * (0.5 + random() / 2));
}

/** The JSON body of a delivery, exactly as signed. */
export const bodyOf = (e: {
  id: string;
  type: string;
  createdAt: Date;
  orgId: string;
  data: unknown;
}) =>
  JSON.stringify({
    id: e.id,
    type: e.type,
    createdAt: e.createdAt.toISOString(),
    orgId: e.orgId,
    data: e.data,
  });

export interface DeliverOptions {
  /** Tests resolve names their own way (a name that resolves to a private address). */
  lookup?: Lookup;
}

/** Runs the delivery job of claim `claim`; a stale claim does nothing. */
export async function deliverWebhook(
  db: Db,
  p: { orgId: string; deliveryId: string; claim: number },
  opts: DeliverOptions = {},
) {
  const { orgId } = p;
  const d = await withScope(db, { orgId }, (tx) =>
    tx.webhookDelivery.findFirst({
      where: { orgId, id: p.deliveryId },
      include: { endpoint: true, event: true },
    }),
  );
  if (d?.status !== "sending" || d.claims !== p.claim) return "stale claim";
  const body = bodyOf(d.event);
  let result: PostResult;
  try {
    const url = new URL(d.endpoint.url);
    const target = await resolveTarget(url, { allow: operatorAllowList(), lookup: opts.lookup });
    const headers = webhookHeaders({ eventId: d.event.id, body, secrets: liveSecrets(d.endpoint) });
    result = await postPinned(url, target, body, headers, env.WEBHOOK_TIMEOUT_MS);
  } catch (error) {
    if (!(error instanceof RefusedTarget)) throw error;
    result = { excerpt: "", error: error.message, durationMs: 0 };
  }
  const outcome = await record(db, d, p.claim, result);
  if (outcome.retryInMs !== undefined) await pumpLater(orgId, d.endpointId, outcome.retryInMs);
  // The slot is free: the endpoint's next delivery goes now.
  await pumpEndpoint(db, orgId, d.endpointId);
  return outcome.status;
}

async function record(
  db: Db,
  d: { id: string; orgId: string; attempts: number; windowStartedAt: Date },
  claim: number,
  r: PostResult,
) {
  const attempts = d.attempts + 1;
  const now = Date.now();
  const ok = r.error === undefined;
  const wait = backoffMs(attempts);
  const windowEnds = d.windowStartedAt.getTime() + env.WEBHOOK_RETRY_HOURS * HOUR;
  const status = ok ? "succeeded" : now + wait > windowEnds ? "dead" : "pending";
  const updated = await withScope(db, { orgId: d.orgId }, (tx) =>
    tx.webhookDelivery.updateMany({
      // Only the claim this attempt was made under: a replay in between wins.
      where: { orgId: d.orgId, id: d.id, status: "sending", claims: claim },
      data: {
        status,
        attempts,
        lastAttemptAt: new Date(now),
        nextAttemptAt: status === "pending" ? new Date(now + wait) : null,
        lockedUntil: null,
        responseStatus: r.status ?? null,
        responseExcerpt: r.excerpt.slice(0, 1024) || null,
        error: r.error?.slice(0, 500) ?? null,
        durationMs: r.durationMs,
      },
    }),
  );
  if (status === "dead" && updated.count)
    log.warn("webhook delivery dead-lettered", { deliveryId: d.id, attempts, error: r.error });
  return { status, retryInMs: status === "pending" && updated.count ? wait : undefined };
}
