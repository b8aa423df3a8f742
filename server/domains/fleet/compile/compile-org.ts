// The compile step of the config flow: newest intent revision → each active device's
// snapshot → the devices whose snapshot changed → a rollout. Runs in short transactions
// under the org's fleet lock (../fleet-lock.ts), resumable (see compileOrg); publishing
// happens after the last commit (./publish.ts), from what was recorded, so a crash between
// the two is repaired by a retry.

import type { Db, Tx } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { emitEvent } from "../../../platform/events/emit-event";
import { lockOrgFleet } from "../fleet-lock";
import { snapshotAt } from "../intent/snapshots";
import { compiledHash, declaredSections } from "./compile-device";
import { loadSiteCompiler, recordMissing } from "./load-compiler";

export interface CompileOutcome {
  revision: number;
  rolloutId?: string;
  changed: number;
  stage?: "canary" | "rolling";
}

/** Canary share: none for fewer than 3 devices; otherwise at least one. */
export function canaryCount(changed: number, percent: number) {
  if (percent <= 0 || changed < 3) return 0;
  return Math.min(changed - 1, Math.max(1, Math.ceil((changed * percent) / 100)));
}

/** Devices staged per transaction: a short transaction whatever the org's size. */
export const COMPILE_CHUNK = 2_000;

/**
 * A transaction's time limit sized by its work: a base for the round trips plus a budget
 * per device, so that no compile relies on Prisma's 5 s default (a large org's compile in
 * one transaction used to pass it, roll back, and fail for good after its retries).
 */
const sized = (devices: number) => ({
  timeoutMs: 15_000 + devices * 5,
  maxWaitMs: 10_000,
});

export interface CompileOptions {
  /** Devices staged per transaction (tests use small chunks). */
  chunk?: number;
  /** Called after each committed chunk with how many devices it staged (tests crash here). */
  afterChunk?: (staged: number) => Promise<void> | void;
}

/**
 * Compiles the org's newest revision in three steps, none of them a long transaction:
 * 1. read the revision and build its compiler (facts included);
 * 2. stage every active device in chunks under the fleet lock: its config's hash at that
 *    revision goes to stagedRevision/stagedHash (and what it lacks to missingSections).
 *    A device already staged at this revision is skipped, so a compile that died midway
 *    resumes where it stopped, and staging a device twice writes the same thing;
 * 3. one short transaction under the lock decides: devices whose staged hash differs from
 *    their desired one form the rollout, the revision is marked compiled.
 * A newer revision committed meanwhile restarts at 1 with it.
 */
export async function compileOrg(
  db: Db,
  orgId: string,
  o: CompileOptions = {},
): Promise<CompileOutcome | undefined> {
  for (;;) {
    const head = await withScope(db, { orgId }, (tx) => readHead(tx, orgId), sized(0));
    if (!head) return undefined;
    const { compile } = head;
    const chunk = o.chunk ?? COMPILE_CHUNK;
    let after = "";
    for (;;) {
      const staged = await withScope(
        db,
        { orgId },
        async (tx) => {
          // Writes many device rows: the fleet lock first (../fleet-lock.ts).
          await lockOrgFleet(tx, orgId);
          return stage(tx, orgId, head.revision, compile, { after, take: chunk });
        },
        sized(chunk),
      );
      if (staged.length > 0) after = staged.at(-1) as string;
      await o.afterChunk?.(staged.length);
      if (staged.length < chunk) break;
    }
    const outcome = await finish(db, orgId, head, compile);
    if (outcome !== "newer") return outcome;
  }
}

/** Step 1: the newest revision, if not compiled yet, with its compiler. */
async function readHead(tx: Tx, orgId: string) {
  const fr = await tx.fleetRevision.findUnique({ where: { orgId } });
  if (!fr || fr.revision <= fr.compiled) return undefined;
  const snap = await snapshotAt(tx, orgId, fr.revision);
  if (!snap) throw new Error(`intent snapshot ${orgId}@${fr.revision} is missing`);
  // Tunnel keys are facts, not intent: read now. A key that changes later bumps the
  // revision (channel/overlay-ingest.ts), which compiles again (step 3 sees it is newer).
  const compile = await loadSiteCompiler(tx, orgId, snap.intent);
  return { revision: fr.revision, reason: snap.reason, compile };
}

type SiteCompiler = Awaited<ReturnType<typeof loadSiteCompiler>>;

/**
 * Stages active devices not yet staged at `revision` (ids after `after`, at most `take`;
 * all of them without `take`); returns their ids in order.
 */
async function stage(
  tx: Tx,
  orgId: string,
  revision: number,
  compile: SiteCompiler,
  page: { after?: string; take?: number },
) {
  const devices = await tx.device.findMany({
    where: {
      orgId,
      status: "active",
      id: { gt: page.after ?? "" },
      OR: [{ stagedRevision: null }, { stagedRevision: { not: revision } }],
    },
    select: {
      id: true,
      siteId: true,
      capabilityVersion: true,
      sections: true,
      missingSections: true,
    },
    orderBy: { id: "asc" },
    ...(page.take ? { take: page.take } : {}),
  });
  if (devices.length === 0) return [];
  const hashes: (string | null)[] = [];
  const lacking: { id: string; missing: string[] }[] = [];
  for (const d of devices) {
    const declared = declaredSections(d);
    const missing = compile.missing(d.siteId, d.id, declared);
    if (missing.join() !== d.missingSections.join()) lacking.push({ id: d.id, missing });
    const config = compile(d.siteId, d.id, declared);
    hashes.push(config ? compiledHash(config) : null);
  }
  await tx.$executeRaw`
    UPDATE devices SET "stagedRevision" = ${revision}, "stagedHash" = d.hash
    FROM unnest(${devices.map((d) => d.id)}::text[], ${hashes}::text[]) AS d(id, hash)
    WHERE devices.id = d.id AND devices."orgId" = ${orgId}`;
  await recordMissing(tx, orgId, lacking);
  return devices.map((d) => d.id);
}

/** Step 3; "newer" when another revision was committed since step 1. */
async function finish(
  db: Db,
  orgId: string,
  head: { revision: number; reason: string },
  compile: SiteCompiler,
): Promise<CompileOutcome | undefined | "newer"> {
  const active = await withScope(
    db,
    { orgId },
    (tx) => tx.device.count({ where: { orgId, status: "active" } }),
    sized(0),
  );
  return withScope(
    db,
    { orgId },
    async (tx) => {
      await lockOrgFleet(tx, orgId);
      const fr = await tx.fleetRevision.findUnique({ where: { orgId } });
      if (!fr || fr.compiled >= head.revision) return undefined; // another worker finished it
      if (fr.revision !== head.revision) return "newer";
      // Devices activated since step 2 (few): staged here, under the lock.
      await stage(tx, orgId, head.revision, compile, {});
      const changed = await tx.$queryRaw<{ id: string; hash: string; online: boolean }[]>`
        SELECT id, "stagedHash" AS hash, online FROM devices
        WHERE "orgId" = ${orgId} AND status = 'active' AND "stagedRevision" = ${head.revision}
          AND "stagedHash" IS NOT NULL AND "stagedHash" IS DISTINCT FROM "desiredHash"
        ORDER BY id`;
      const revision = head.revision;
      await tx.rollout.updateMany({
        where: { orgId, status: { in: ["canary", "rolling"] } },
        data: { status: "superseded", finishedAt: new Date() },
      });
      await tx.fleetRevision.update({ where: { orgId }, data: { compiled: revision } });
      if (changed.length === 0) return { revision, changed: 0 };

      // Online devices make better canaries: they answer now.
      const byPreference = [...changed].sort((a, b) => Number(b.online) - Number(a.online));
      const canary = byPreference.slice(0, canaryCount(changed.length, fr.canaryPercent));
      const status = canary.length > 0 ? "canary" : "rolling";
      const stageDevices = status === "canary" ? canary : changed;
      const rollout = await tx.rollout.create({
        data: {
          orgId,
          revision,
          status,
          deviceIds: changed.map((d) => d.id),
          canaryIds: canary.map((d) => d.id),
          failureThreshold: fr.failureThreshold,
          isRollback: head.reason.startsWith("rollback"),
        },
      });
      await setDesired(tx, orgId, revision, stageDevices);
      await emitEvent(tx, orgId, "rollout.started", {
        rolloutId: rollout.id,
        revision,
        devices: changed.length,
        canary: canary.length,
      });
      return { revision, rolloutId: rollout.id, changed: changed.length, stage: status };
    },
    sized(active),
  );
}

/** Records the revision each device is now meant to run (one statement for any count). */
export async function setDesired(
  tx: Tx,
  orgId: string,
  revision: number,
  devices: readonly { id: string; hash: string }[],
) {
  if (devices.length === 0) return;
  await tx.$executeRaw`
    UPDATE devices SET "desiredRevision" = ${revision}, "desiredHash" = d.hash, "updatedAt" = now()
    FROM unnest(${devices.map((d) => d.id)}::text[], ${devices.map((d) => d.hash)}::text[]) AS d(id, hash)
    WHERE devices.id = d.id AND devices."orgId" = ${orgId}`;
}
