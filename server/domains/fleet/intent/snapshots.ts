// The org's intent per revision (intent_snapshots), stored by section: each section's
// content once per org (intent_parts, content-addressed by hash), each snapshot a map of
// section → hash. A change to one section stores that section alone; a revision that
// changed nothing (a device-driven bump) stores no content at all. Snapshots written before
// parts existed keep their whole `intent` and are read as they are.
//
// Retention (pruneIntentSnapshots): snapshots go after INTENT_RETENTION_DAYS, except the
// newest INTENT_KEEP_REVISIONS and every revision from the oldest one a device or an
// unfinished rollout may still read. Parts no snapshot names go with them. A diff or a
// rollback to a revision no longer kept says so (404 / no earlier revision).
import { createHash } from "node:crypto";
import { type Intent, parseIntent } from "../../../features";
import type { Db, Prisma, Tx } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";

export const INTENT_RETENTION_DAYS = 90;
export const INTENT_KEEP_REVISIONS = 100;

type Snapshot = { revision: number; intent: Prisma.JsonValue; parts: Prisma.JsonValue };

/** Pure: a section's content address. Same key and same content, same hash. */
export const partHash = (section: string, body: unknown) =>
  createHash("sha256").update(section).update("\n").update(JSON.stringify(body)).digest("hex");

/** Stores the org's intent at `revision` (in the transaction that raised the revision). */
export async function writeSnapshot(
  tx: Tx,
  orgId: string,
  s: { revision: number; intent: Intent; actorId: string | null; reason: string },
) {
  const sections = Object.entries(s.intent as unknown as Record<string, unknown>)
    .filter(([, body]) => body !== undefined)
    .map(([section, body]) => ({ section, body, hash: partHash(section, body) }));
  if (sections.length > 0)
    await tx.$executeRaw`
      INSERT INTO intent_parts ("orgId", hash, section, body)
      SELECT ${orgId}, p.hash, p.section, p.body::jsonb
      FROM unnest(${sections.map((p) => p.hash)}::text[], ${sections.map((p) => p.section)}::text[],
        ${sections.map((p) => JSON.stringify(p.body))}::text[]) AS p(hash, section, body)
      ON CONFLICT ("orgId", hash) DO NOTHING`;
  await tx.intentSnapshot.create({
    data: {
      orgId,
      revision: s.revision,
      parts: Object.fromEntries(sections.map((p) => [p.section, p.hash])),
      actorId: s.actorId,
      reason: s.reason,
    },
  });
}

/** The stored snapshots' raw intents (section → content), by revision; one query for parts. */
async function rawIntents(tx: Tx, orgId: string, snaps: readonly Snapshot[]) {
  const hashes = new Set<string>();
  for (const s of snaps)
    if (s.parts && typeof s.parts === "object")
      for (const h of Object.values(s.parts)) if (typeof h === "string") hashes.add(h);
  const bodies = new Map<string, unknown>();
  if (hashes.size > 0) {
    const rows = await tx.intentPart.findMany({
      where: { orgId, hash: { in: [...hashes] } },
      select: { hash: true, body: true },
    });
    for (const r of rows) bodies.set(r.hash, r.body);
  }
  const out = new Map<number, Record<string, unknown>>();
  for (const s of snaps) {
    if (!s.parts) {
      out.set(s.revision, (s.intent ?? {}) as Record<string, unknown>);
      continue;
    }
    const raw: Record<string, unknown> = {};
    for (const [section, hash] of Object.entries(s.parts as Record<string, string>)) {
      if (!bodies.has(hash))
        throw new Error(`intent part ${section} of ${orgId}@${s.revision} is missing`);
      raw[section] = bodies.get(hash);
    }
    out.set(s.revision, raw);
  }
  return out;
}

const SNAPSHOT = { revision: true, intent: true, parts: true, reason: true } as const;

/** The org's intent at `revision` with its reason; null when no snapshot is kept. */
export async function snapshotAt(tx: Tx, orgId: string, revision: number) {
  const snap = await tx.intentSnapshot.findUnique({
    where: { orgId_revision: { orgId, revision } },
    select: SNAPSHOT,
  });
  if (!snap) return null;
  const raw = (await rawIntents(tx, orgId, [snap])).get(revision) ?? {};
  return { revision, reason: snap.reason, raw, intent: parseIntent(raw) };
}

/** The newest snapshot below `revision` (what a rollback goes back to), or null. */
export async function snapshotBefore(tx: Tx, orgId: string, revision: number) {
  const snap = await tx.intentSnapshot.findFirst({
    where: { orgId, revision: { lt: revision } },
    orderBy: { revision: "desc" },
    select: SNAPSHOT,
  });
  if (!snap) return null;
  const raw = (await rawIntents(tx, orgId, [snap])).get(snap.revision) ?? {};
  return { revision: snap.revision, reason: snap.reason, raw, intent: parseIntent(raw) };
}

/** The intents at several revisions (those kept), by revision. */
export async function intentsAt(tx: Tx, orgId: string, revisions: readonly number[]) {
  const snaps = await tx.intentSnapshot.findMany({
    where: { orgId, revision: { in: [...revisions] } },
    select: SNAPSHOT,
  });
  const raws = await rawIntents(tx, orgId, snaps);
  return new Map([...raws].map(([revision, raw]) => [revision, parseIntent(raw)]));
}

export interface SnapshotRetention {
  days: number;
  keep: number;
}

/**
 * Deletes the org's snapshots past retention and the parts no snapshot names any more;
 * returns how many of each. Kept whatever their age: the newest `keep` revisions, and every
 * revision from the oldest that a device was sent or is being sent (desired, staged) or a
 * rollout not finished names. Holds the org's fleet_revisions row, as every revision bump
 * does, so a part is never deleted while a new snapshot is about to name it.
 */
export async function pruneOrgSnapshots(tx: Tx, orgId: string, r: SnapshotRetention) {
  const [head] = await tx.$queryRaw<{ revision: number }[]>`
    SELECT revision FROM fleet_revisions WHERE "orgId" = ${orgId} FOR UPDATE`;
  if (!head) return { snapshots: 0, parts: 0 };
  const [floor] = await tx.$queryRaw<{ needed: number | null }[]>`
    SELECT least(
      -- 0: nothing compiled or desired yet, which needs no snapshot.
      (SELECT nullif(compiled, 0) FROM fleet_revisions WHERE "orgId" = ${orgId}),
      (SELECT min(nullif(least("desiredRevision", coalesce("stagedRevision", "desiredRevision")), 0))
         FROM devices WHERE "orgId" = ${orgId} AND status IN ('active', 'pending')),
      (SELECT min(revision) FROM rollouts
         WHERE "orgId" = ${orgId} AND status NOT IN ('completed', 'superseded'))
    )::int AS needed`;
  const keepFrom = Math.min(head.revision - r.keep + 1, floor?.needed ?? head.revision);
  const snapshots = await tx.$executeRaw`
    DELETE FROM intent_snapshots
    WHERE "orgId" = ${orgId} AND revision < ${keepFrom}
      AND "createdAt" < now() - make_interval(days => ${r.days})`;
  const parts = await tx.$executeRaw`
    DELETE FROM intent_parts p
    WHERE p."orgId" = ${orgId} AND NOT EXISTS (
      SELECT 1 FROM intent_snapshots s, jsonb_each_text(s.parts) e
      WHERE s."orgId" = ${orgId} AND s.parts IS NOT NULL AND e.value = p.hash)`;
  return { snapshots, parts };
}

/** The sweep: every org with a revision, each in its own scope and transaction. */
export async function pruneIntentSnapshots(
  db: Db,
  r: SnapshotRetention = { days: INTENT_RETENTION_DAYS, keep: INTENT_KEEP_REVISIONS },
) {
  // Past `keep` revisions only: one read across orgs through fleet_revisions' read-only
  // directory policy (on for this transaction only, as the revision sweep uses it).
  const orgs = await withScope(db, {}, async (tx) => {
    await tx.$executeRaw`SELECT set_config('app.fleet_directory', 'on', true)`;
    return tx.$queryRaw<{ orgId: string }[]>`
      SELECT "orgId" FROM fleet_revisions WHERE revision > ${r.keep} ORDER BY "orgId"`;
  });
  const total = { snapshots: 0, parts: 0 };
  for (const { orgId } of orgs) {
    const n = await withScope(db, { orgId }, (tx) => pruneOrgSnapshots(tx, orgId, r));
    total.snapshots += n.snapshots;
    total.parts += n.parts;
  }
  return total;
}
