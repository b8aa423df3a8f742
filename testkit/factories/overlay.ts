// Fixtures of the overlay API tests: a fresh org per test with sites made through the
// API, direct rows for what devices report (samples, events, overlay status), and
// small assertions on error codes, revisions and audit entries.
import { expect } from "vitest";
import { snapshotAt } from "../../server/domains/fleet/intent/snapshots";
import { getDb, type Prisma, type Tx } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { callerFor, createOrgWithOwner, uid } from "./identity";

export type Api = ReturnType<typeof callerFor>;

/** An org with `sites` sites (made through the API), its owner's caller, and its slug. */
export async function overlayOrg(sites: string[] = ["HQ", "Branch"]) {
  const org = await createOrgWithOwner();
  const api = callerFor(org.owner);
  const ids: string[] = [];
  for (const name of sites) ids.push((await api.site.create({ orgSlug: org.slug, name })).id);
  return { ...org, orgId: org.org.id, api, siteIds: ids };
}
export type OverlayOrg = Awaited<ReturnType<typeof overlayOrg>>;

/** Runs `fn` as the application role inside the org's row-level-security scope. */
export const asOrg = <T>(orgId: string, fn: (tx: Tx) => Promise<T>) =>
  withScope(getDb(), { orgId }, fn);

export const revisionOf = async (orgId: string) =>
  (await asOrg(orgId, (tx) => tx.fleetRevision.findUnique({ where: { orgId } })))?.revision ?? 0;

/** The intent snapshot of the org's newest revision: its reason and its raw intent. */
export const latestSnapshot = (orgId: string) =>
  asOrg(orgId, async (tx) => {
    const head = await tx.intentSnapshot.findFirstOrThrow({
      where: { orgId },
      orderBy: { revision: "desc" },
      select: { revision: true },
    });
    const snap = await snapshotAt(tx, orgId, head.revision);
    if (!snap) throw new Error(`no snapshot of ${orgId}@${head.revision}`);
    return { revision: snap.revision, reason: snap.reason, intent: snap.raw };
  });

/**
 * Rewrites the org's snapshot at `revision` as one written before intent parts existed (a
 * whole `intent`, no parts), through `change`: what an older release left in the database.
 */
export const rewriteAsLegacySnapshot = (
  orgId: string,
  revision: number,
  change: (raw: Record<string, unknown>) => Record<string, unknown>,
) =>
  asOrg(orgId, async (tx) => {
    const snap = await snapshotAt(tx, orgId, revision);
    if (!snap) throw new Error(`no snapshot of ${orgId}@${revision}`);
    await tx.$executeRaw`
      UPDATE intent_snapshots SET intent = ${JSON.stringify(change(snap.raw))}::jsonb, parts = NULL
      WHERE "orgId" = ${orgId} AND revision = ${revision}`;
  });

export const auditOf = (orgId: string, action: string) =>
  asOrg(orgId, (tx) =>
    tx.auditLog.findMany({ where: { orgId, action }, orderBy: { createdAt: "asc" } }),
  );

/** Awaits `call` and returns its tRPC error code ("OK" when it succeeded). */
export async function codeOf(call: Promise<unknown>) {
  try {
    await call;
    return "OK";
  } catch (error) {
    return (error as { code?: string }).code ?? "THREW";
  }
}

/** The error itself, for its message and field details. */
export async function errorOf(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e as { code: string; message: string; shape?: unknown },
  );
  expect(error, "the call should have failed").not.toBeNull();
  return error!;
}

export const linkInput = (siteId: string, name: string, iface: string, publicAddress?: string) => ({
  siteId,
  name,
  kind: "fiber" as const,
  interface: iface,
  publicAddress: publicAddress ?? null,
});

/** An active device row at a site, with an optional reported overlay status. */
export async function addDevice(
  orgId: string,
  siteId: string,
  opts: { online?: boolean; overlayStatus?: unknown; hostname?: string } = {},
) {
  return asOrg(orgId, (tx) =>
    tx.device.create({
      data: {
        orgId,
        siteId,
        hostname: opts.hostname ?? `box-${uid()}`,
        status: "active",
        online: opts.online ?? true,
        overlayStatus: (opts.overlayStatus ?? undefined) as Prisma.InputJsonValue | undefined,
      },
    }),
  );
}

export interface SampleRow {
  siteId: string;
  deviceId: string;
  pathId: string;
  /** Seconds before now. */
  ago?: number;
  up?: boolean;
  latencyMs?: number | null;
  jitterMs?: number | null;
  lossPct?: number | null;
  mos?: number | null;
}

const or = (v: number | null | undefined, d: number) => (v === undefined ? d : v);

/** Samples timed relative to the database's clock, as the ingest's would be. */
export async function addSamples(orgId: string, rows: SampleRow[]) {
  await asOrg(orgId, async (tx) => {
    for (const r of rows)
      await tx.$executeRaw`
        INSERT INTO path_samples ("orgId", "siteId", "deviceId", "pathId", at, up, "latencyMs", "jitterMs", "lossPct", mos)
        VALUES (${orgId}, ${r.siteId}, ${r.deviceId}, ${r.pathId},
          now() - ${r.ago ?? 0}::float8 * interval '1 second', ${r.up ?? true},
          ${or(r.latencyMs, 20)}::float8, ${or(r.jitterMs, 2)}::float8, ${or(r.lossPct, 0)}::float8, ${or(r.mos, 4.3)}::float8)`;
  });
}

/** Runs a write and checks that it bumped the org's revision by exactly one. */
export async function bumps<T extends { revision: number }>(
  o: OverlayOrg,
  write: () => Promise<T>,
) {
  const before = await revisionOf(o.orgId);
  const result = await write();
  expect(result.revision).toBe(before + 1);
  expect(await revisionOf(o.orgId)).toBe(before + 1);
  return result;
}

export const voiceSla = { name: "voice", maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 };
