// Publishing desired states, always derived from the database: a device is "pending" when
// its desired revision is above what it reported and it has not already failed that very
// revision. Publishing twice is harmless (the agent re-acks an equal revision), so every
// caller may simply publish whatever is pending: after a compile (and its retries), when a
// rollout advances, and when a device comes (back) online, which repairs what a broker
// restart or an outage lost.

import { type DesiredState, deviceIdentity } from "../../../../protocol";
import { type Db, getDb, type Tx } from "../../../platform/db/client";
import { afterCommit, withScope } from "../../../platform/db/with-tenant";
import { BROKER_AFTER_COMMIT_MS, settleWithin } from "../../../platform/settle";
import { currentTraceparent, inSpan, SpanKind } from "../../../platform/tracing/spans";
import { getControlChannel } from "../channel/control-channel";
import { intentsAt } from "../intent/snapshots";
import { compiledHash, declaredSections, siteCompiler } from "./compile-device";
import { compiledRevisionCompiler, loadCompileFacts, recordMissing } from "./load-compiler";

type Pending = {
  id: string;
  siteId: string;
  desiredRevision: number;
  desiredHash: string;
  capabilityVersion: number | null;
  sections: string[];
};

async function pendingDevices(tx: Tx, orgId: string, only: readonly string[] | null) {
  return tx.$queryRaw<Pending[]>`
    SELECT id, "siteId", "desiredRevision", "desiredHash", "capabilityVersion", sections FROM devices
    WHERE "orgId" = ${orgId} AND status = 'active' AND "desiredHash" IS NOT NULL
      AND ("reportedHash" IS DISTINCT FROM "desiredHash" OR "reportedRevision" < "desiredRevision")
      AND NOT ("attemptedRevision" IS NOT DISTINCT FROM "desiredRevision"
               AND "applyStatus" IS DISTINCT FROM 'applied')
      AND (${only === null} OR id = ANY(${only ?? []}::text[]))`;
}

type SiteCompiler = ReturnType<typeof siteCompiler>;

/** Devices whose states are built and sent per step, with a turn of the event loop between. */
export const PUBLISH_CHUNK = 2000;

/** Adds a compiler for each of `revisions` (from the intent at that revision) to `into`. */
async function loadCompilers(
  tx: Tx,
  orgId: string,
  revisions: readonly number[],
  into: Map<number, SiteCompiler>,
) {
  // Facts are today's whatever the revision (the overlay's tunnel keys): one read each.
  for (const [revision, intent] of await intentsAt(tx, orgId, revisions)) {
    const facts = await loadCompileFacts(tx, orgId, intent);
    into.set(revision, siteCompiler(intent, { orgId, facts }));
  }
}

/** Each device's desired state, from the compiler of its desired revision. */
function desiredStates(
  orgId: string,
  devices: readonly Pending[],
  compilers: ReadonlyMap<number, SiteCompiler>,
  issuedAt: string,
): { identity: string; state: DesiredState; firstRelease: boolean }[] {
  const out: { identity: string; state: DesiredState; firstRelease: boolean }[] = [];
  for (const d of devices) {
    const config = compilers.get(d.desiredRevision)?.(d.siteId, d.id, declaredSections(d));
    // The site is gone from that revision, the device moved, or a tunnel key changed since
    // the compile (that change bumped the revision): the next compile decides.
    if (!config || compiledHash(config) !== d.desiredHash) continue;
    out.push({
      identity: deviceIdentity(orgId, d.id),
      state: {
        v: 1,
        deviceId: d.id,
        revision: d.desiredRevision,
        hash: d.desiredHash,
        issuedAt,
        config,
      },
      // A first-release agent (declared nothing) refuses fields it does not know.
      firstRelease: d.capabilityVersion === null,
    });
  }
  return out;
}

/**
 * Publishes every pending device of the org (or of `deviceIds`); returns how many. One
 * short transaction reads the pending rows and the intent of each revision they desire;
 * then PUBLISH_CHUNK devices at a time, their states are built and sent, and the event loop
 * turns between chunks. So an org of any size never holds a transaction open while its
 * states are built, and never blocks the process while it builds them.
 */
export async function publishPending(
  db: Db,
  orgId: string,
  deviceIds?: readonly string[],
  o: { afterChunk?: (sent: number) => void } = {},
) {
  const compilers = new Map<number, SiteCompiler>();
  const pending = await withScope(db, { orgId }, async (tx) => {
    const rows = await pendingDevices(tx, orgId, deviceIds ?? null);
    const revisions = [...new Set(rows.map((d) => d.desiredRevision))];
    if (revisions.length > 0) await loadCompilers(tx, orgId, revisions, compilers);
    return rows;
  });
  if (pending.length === 0) return 0;
  const issuedAt = new Date().toISOString();
  let sent = 0;
  // One span for the org's publish; each agent's apply is recorded under it (ingest.ts).
  await inSpan(
    "fleet.publish",
    {
      kind: SpanKind.PRODUCER,
      attributes: { "patronus.org_id": orgId, "patronus.devices": pending.length },
    },
    async () => {
      const trace = currentTraceparent();
      for (let i = 0; i < pending.length; i += PUBLISH_CHUNK) {
        const chunk = pending.slice(i, i + PUBLISH_CHUNK);
        const states = desiredStates(orgId, chunk, compilers, issuedAt);
        if (states.length > 0) {
          const channel = await getControlChannel();
          await Promise.all(
            states.map((s) =>
              channel.publishDesired(
                s.identity,
                trace && !s.firstRelease ? { ...s.state, trace } : s.state,
              ),
            ),
          );
        }
        sent += states.length;
        o.afterChunk?.(states.length);
        if (i + PUBLISH_CHUNK < pending.length) await new Promise((r) => setImmediate(r));
      }
    },
  );
  return sent;
}

/**
 * What devices that are not written yet would desire at the org's compiled revision (null
 * for each before the first compile, or when its site has no config there): enrollment
 * computes it for a batch of devices and writes it with their new rows.
 */
export async function compiledDesires(
  tx: Tx,
  orgId: string,
  devices: readonly {
    id: string;
    siteId: string;
    capabilityVersion: number | null;
    sections: string[];
  }[],
) {
  const compiled = await compiledRevisionCompiler(tx, orgId);
  return devices.map((d) => {
    const config = compiled?.compile(d.siteId, d.id, declaredSections(d));
    if (!compiled || !config) return null;
    return { desiredRevision: compiled.revision, desiredHash: compiledHash(config) };
  });
}

/**
 * Points newly active devices at the org's compiled revision, so they get a config without
 * waiting for the next intent change. Before the first compile there is nothing to point at:
 * that compile includes them anyway.
 */
export async function desireCompiled(tx: Tx, orgId: string, deviceIds: readonly string[]) {
  const compiled = await compiledRevisionCompiler(tx, orgId);
  if (!compiled) return;
  const { revision, compile } = compiled;
  const devices = await tx.device.findMany({
    where: { orgId, id: { in: [...deviceIds] } },
    select: { id: true, siteId: true, capabilityVersion: true, sections: true },
  });
  for (const d of devices) {
    const config = compile(d.siteId, d.id, declaredSections(d));
    if (!config) continue;
    await tx.device.update({
      where: { id: d.id, orgId },
      data: { desiredRevision: revision, desiredHash: compiledHash(config) },
    });
  }
}

/**
 * Devices whose agents now declare other sections: when that changes what their config would
 * be at the compiled revision, a new revision compiles it (returns true); when it changes only
 * what they lack, that is recorded.
 */
export async function reconsiderDevices(tx: Tx, orgId: string, deviceIds: readonly string[]) {
  const compiled = await compiledRevisionCompiler(tx, orgId);
  if (!compiled) return false;
  const { compile } = compiled;
  const devices = await tx.device.findMany({
    where: { orgId, id: { in: [...deviceIds] }, status: "active" },
    select: {
      id: true,
      siteId: true,
      desiredHash: true,
      capabilityVersion: true,
      sections: true,
      missingSections: true,
    },
  });
  let differs = false;
  const lacking: { id: string; missing: string[] }[] = [];
  for (const d of devices) {
    const declared = declaredSections(d);
    const config = compile(d.siteId, d.id, declared);
    if (config && d.desiredHash !== null && compiledHash(config) !== d.desiredHash) differs = true;
    const missing = compile.missing(d.siteId, d.id, declared);
    if (missing.join() !== d.missingSections.join()) lacking.push({ id: d.id, missing });
  }
  await recordMissing(tx, orgId, lacking);
  return differs;
}

/**
 * Once `tx` commits, publishes what is pending in the org, waiting for the broker at most
 * BROKER_AFTER_COMMIT_MS: the committed rows are what counts; a missed publish is done
 * again when devices come back online.
 */
export function publishAfterCommit(tx: Tx, orgId: string) {
  return afterCommit(tx, () =>
    settleWithin(publishPending(getDb(), orgId), BROKER_AFTER_COMMIT_MS),
  );
}
