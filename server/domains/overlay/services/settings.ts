// The org's overlay settings: topology (and the site pairs of a partial mesh), probe
// interval, failback hold-down. One row per org; none yet means the defaults.

import { type Actor, writeAudit } from "../../../platform/audit/write-audit";
import type { Prisma, Tx } from "../../../platform/db/client";
import { AppError } from "../../../platform/errors";
import type { TenantContext } from "../../../platform/tenancy/resolve-membership";
import { bumpRevision } from "../../fleet";
import { EMPTY_OVERLAY_INTENT, type OverlayIntent, ZOverlayIntent } from "../intent-schema";
import type { OverlaySettingsInput } from "../schemas";

type Settings = OverlayIntent["settings"];

export async function getOverlaySettings(tx: Tx, orgId: string): Promise<Settings> {
  const row = await tx.overlaySettings.findUnique({ where: { orgId } });
  if (!row) return EMPTY_OVERLAY_INTENT.settings;
  return ZOverlayIntent.shape.settings.parse({
    topology: row.topology,
    sitePairs: row.sitePairs,
    probeIntervalMs: row.probeIntervalMs,
    holdDownSeconds: row.holdDownSeconds,
  });
}

/** Each pair once, in a stable order ({a, b} and {b, a} are the same pair). */
function normalizePairs(pairs: Settings["sitePairs"]) {
  const seen = new Map<string, { a: string; b: string }>();
  for (const p of pairs) {
    const [a, b] = [p.a, p.b].sort() as [string, string];
    seen.set(`${a}~${b}`, { a, b });
  }
  return [...seen.values()].sort((x, y) => x.a.localeCompare(y.a) || x.b.localeCompare(y.b));
}

export async function updateOverlaySettings(
  tx: Tx,
  actor: Actor,
  tenant: TenantContext,
  input: OverlaySettingsInput,
) {
  const sitePairs = normalizePairs(input.sitePairs);
  const named = [...new Set(sitePairs.flatMap((p) => [p.a, p.b]))];
  const found = await tx.site.count({ where: { orgId: tenant.orgId, id: { in: named } } });
  if (found !== named.length)
    throw new AppError("NOT_FOUND", "A site of the site pairs was not found", {
      sitePairs: "every site must exist in this organization",
    });
  const before = await getOverlaySettings(tx, tenant.orgId);
  const data = {
    topology: input.topology,
    sitePairs: sitePairs as Prisma.InputJsonValue,
    probeIntervalMs: input.probeIntervalMs,
    holdDownSeconds: input.holdDownSeconds,
  };
  await tx.overlaySettings.upsert({
    where: { orgId: tenant.orgId },
    create: { orgId: tenant.orgId, ...data },
    update: data,
  });
  const after = { ...input, sitePairs };
  await writeAudit(tx, actor, {
    orgId: tenant.orgId,
    action: "overlay.settings.update",
    targetType: "overlay_settings",
    targetId: tenant.orgId,
    before,
    after,
  });
  const revision = await bumpRevision(tx, tenant.orgId, actor, "overlay settings changed");
  return { revision };
}
