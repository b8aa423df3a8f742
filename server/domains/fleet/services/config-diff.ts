// What a revision changes for a device, section by section of its desired state. Only the
// intent is stored per revision (intent_snapshots), not each device's compiled config: a
// config is recomputed here from two snapshots with the same pure compiler the compile
// uses. Facts beyond the intent (the overlay's peer keys) are today's for both sides, so the
// diff shows what the intent changed, not key rotations. docs/diffs.md.
import { type Intent, registry } from "../../../features";
import type { Tx } from "../../../platform/db/client";
import { diffJson, isObject, type Json } from "../../../platform/diff";
import { AppError, notFound } from "../../../platform/errors";
import { declaredSections } from "../compile/compile-device";
import { loadSiteCompiler } from "../compile/load-compiler";
import { INTENT_RETENTION_DAYS, snapshotAt } from "../intent/snapshots";

/** The org's intent at `revision`; null for revision 0 (nothing yet). */
export async function intentAt(tx: Tx, orgId: string, revision: number): Promise<Intent | null> {
  if (revision === 0) return null;
  const snap = await snapshotAt(tx, orgId, revision);
  if (!snap)
    throw new AppError(
      "NOT_FOUND",
      `Revision ${revision} does not exist or is no longer kept (old revisions are pruned after ${INTENT_RETENTION_DAYS} days)`,
    );
  return snap.intent;
}

/** The empty value of a side's kind: what a side that does not exist yet is compared as. */
export const emptyLike = (v: Json | undefined): Json =>
  Array.isArray(v) ? [] : isObject(v) ? {} : null;

/** Changes of each named part, in the given order; parts that did not change are left out. */
export function sectionDiffs(
  names: readonly string[],
  before: Map<string, Json>,
  after: Map<string, Json>,
) {
  return names.flatMap((section) => {
    const b = before.get(section);
    const a = after.get(section);
    if (b === undefined && a === undefined) return [];
    const changes = diffJson(b ?? emptyLike(a), a ?? emptyLike(b));
    return changes.length > 0 ? [{ section, changes }] : [];
  });
}

type DeviceRow = {
  id: string;
  siteId: string;
  capabilityVersion: number | null;
  sections: string[];
};

/** The device's desired state at an intent, each section it applies apart. */
async function configSections(tx: Tx, orgId: string, intent: Intent | null, d: DeviceRow) {
  const out = new Map<string, Json>();
  if (!intent) return out;
  const compile = await loadSiteCompiler(tx, orgId, intent);
  const declared = declaredSections(d);
  for (const { section } of registry().compilerSections) {
    if (!declared.includes(section)) continue;
    const part = compile(d.siteId, d.id, [section]);
    if (part && Object.keys(part).length > 0) out.set(section, withoutPositions(part as Json));
  }
  return out;
}

/**
 * The config numbers list entries by position (ids 1, 2, …, for the data plane's counters):
 * left in, one rule inserted would show every later rule as changed. Such ids are dropped.
 */
export function withoutPositions(v: Json): Json {
  if (isObject(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutPositions(x)]));
  if (!Array.isArray(v)) return v;
  const positional = v.length > 0 && v.every((el, i) => isObject(el) && el.id === i + 1);
  return v.map((el) => {
    const x = withoutPositions(el);
    if (!positional || !isObject(x)) return x;
    const { id: _position, ...rest } = x;
    return rest;
  });
}

/** What changes in the device's desired state from revision `from` (0: none) to `to`. */
export async function deviceConfigDiff(
  tx: Tx,
  orgId: string,
  deviceId: string,
  range: { from: number; to: number },
) {
  const device = await tx.device.findUnique({
    where: { id: deviceId, orgId },
    select: { id: true, hostname: true, siteId: true, capabilityVersion: true, sections: true },
  });
  if (!device) throw notFound("Device");
  const before = await configSections(tx, orgId, await intentAt(tx, orgId, range.from), device);
  const after = await configSections(tx, orgId, await intentAt(tx, orgId, range.to), device);
  const names = registry().compilerSections.map((s) => s.section);
  return {
    deviceId: device.id,
    hostname: device.hostname,
    revision: range.to,
    fromRevision: range.from === 0 ? null : range.from,
    sections: sectionDiffs(names, before, after),
  };
}
