// The compile step of the config flow: newest intent revision → each active device's
// snapshot → the devices whose snapshot changed → a rollout. Runs in one transaction
// under the org's fleet lock (../fleet-lock.ts); publishing happens after commit
// (./publish.ts), from what the transaction recorded, so a crash between the two is
// repaired by a retry.

import { parseIntent } from "../../../features";
import type { Db } from "../../../platform/db/client";
import { withScope } from "../../../platform/db/with-tenant";
import { lockOrgFleet } from "../fleet-lock";
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

export async function compileOrg(db: Db, orgId: string): Promise<CompileOutcome | undefined> {
  return withScope(db, { orgId }, async (tx) => {
    await lockOrgFleet(tx, orgId);
    const fr = await tx.fleetRevision.findUnique({ where: { orgId } });
    if (!fr || fr.revision <= fr.compiled) return undefined;
    const revision = fr.revision;
    const snap = await tx.intentSnapshot.findUnique({
      where: { orgId_revision: { orgId, revision } },
    });
    if (!snap) throw new Error(`intent snapshot ${orgId}@${revision} is missing`);
    // Tunnel keys are facts, not intent: read now, in this transaction. A key that changes
    // later bumps the revision (channel/overlay-ingest.ts), which compiles again.
    const compile = await loadSiteCompiler(tx, orgId, parseIntent(snap.intent));

    const devices = await tx.device.findMany({
      where: { orgId, status: "active" },
      select: {
        id: true,
        siteId: true,
        desiredHash: true,
        online: true,
        capabilityVersion: true,
        sections: true,
        missingSections: true,
      },
      orderBy: { id: "asc" },
    });
    const changed: { id: string; hash: string; online: boolean }[] = [];
    const lacking: { id: string; missing: string[] }[] = [];
    for (const d of devices) {
      const declared = declaredSections(d);
      const missing = compile.missing(d.siteId, d.id, declared);
      if (missing.join() !== d.missingSections.join()) lacking.push({ id: d.id, missing });
      const config = compile(d.siteId, d.id, declared);
      if (!config) continue;
      const hash = compiledHash(config);
      if (hash !== d.desiredHash) changed.push({ id: d.id, hash, online: d.online });
    }

    await tx.rollout.updateMany({
      where: { orgId, status: { in: ["canary", "rolling"] } },
      data: { status: "superseded", finishedAt: new Date() },
    });
    await tx.fleetRevision.update({ where: { orgId }, data: { compiled: revision } });
    await recordMissing(tx, orgId, lacking);
    if (changed.length === 0) return { revision, changed: 0 };

    // Online devices make better canaries: they answer now.
    const byPreference = [...changed].sort((a, b) => Number(b.online) - Number(a.online));
    const canary = byPreference.slice(0, canaryCount(changed.length, fr.canaryPercent));
    const stage = canary.length > 0 ? "canary" : "rolling";
    const stageDevices = stage === "canary" ? canary : changed;
    const rollout = await tx.rollout.create({
      data: {
        orgId,
        revision,
        status: stage,
        deviceIds: changed.map((d) => d.id),
        canaryIds: canary.map((d) => d.id),
        failureThreshold: fr.failureThreshold,
        isRollback: snap.reason.startsWith("rollback"),
      },
    });
    await setDesired(tx, orgId, revision, stageDevices);
    return { revision, rolloutId: rollout.id, changed: changed.length, stage };
  });
}

/** Records the revision each device is now meant to run (one statement for any count). */
export async function setDesired(
  tx: Parameters<Parameters<typeof withScope>[2]>[0],
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
