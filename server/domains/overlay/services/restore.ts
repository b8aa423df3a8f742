// Rollback of the overlay intent: make the overlay tables say what a snapshot says, with
// the snapshot's ids, so path ids (made of link ids) and units survive a rollback.
import type { Prisma, Tx } from "../../../platform/db/client";
import type { OverlayIntent } from "../intent-schema";

/**
 * Rows that name a site no longer there are dropped; references are kept consistent.
 * `segments: false` (a snapshot from before L2 segments existed says nothing about them)
 * leaves the segments as they are rather than wiping them.
 */
export async function restoreOverlay(
  tx: Tx,
  orgId: string,
  overlay: OverlayIntent,
  sites: ReadonlySet<string>,
  o: { segments: boolean } = { segments: true },
) {
  const where = { orgId };
  if (o.segments) {
    await tx.l2Segment.deleteMany({ where });
    await tx.l2Segment.createMany({
      data: overlay.segments.map((s) => ({
        ...s,
        orgId,
        members: s.members.filter((m) => sites.has(m.siteId)) as Prisma.InputJsonValue,
      })),
    });
  }
  // Children first: policies reference classes and groups, classes reference SLA classes.
  await tx.steeringPolicy.deleteMany({ where });
  await tx.appClass.deleteMany({ where });
  await tx.userGroup.deleteMany({ where });
  await tx.slaClass.deleteMany({ where });
  await tx.wanLink.deleteMany({ where });

  const { settings } = overlay;
  const sitePairs = settings.sitePairs.filter((p) => sites.has(p.a) && sites.has(p.b));
  const row = { ...settings, sitePairs: sitePairs as Prisma.InputJsonValue };
  await tx.overlaySettings.upsert({ where, create: { orgId, ...row }, update: row });

  await tx.wanLink.createMany({
    data: overlay.links.filter((l) => sites.has(l.siteId)).map((l) => ({ ...l, orgId })),
  });
  await tx.slaClass.createMany({ data: overlay.slaClasses.map((s) => ({ ...s, orgId })) });
  const slas = new Set(overlay.slaClasses.map((s) => s.id));
  const sla = (id: string | null) => (id && slas.has(id) ? id : null);
  await tx.appClass.createMany({
    data: overlay.appClasses.map((a) => ({
      ...a,
      orgId,
      match: a.match as Prisma.InputJsonValue,
      slaClassId: sla(a.slaClassId),
    })),
  });
  await tx.userGroup.createMany({ data: overlay.userGroups.map((g) => ({ ...g, orgId })) });
  const apps = new Set(overlay.appClasses.map((a) => a.id));
  const groups = new Set(overlay.userGroups.map((g) => g.id));
  const policies = overlay.policies.filter(
    (p) =>
      (p.siteId === null || sites.has(p.siteId)) &&
      (p.appClassId === null || apps.has(p.appClassId)) &&
      (p.userGroupId === null || groups.has(p.userGroupId)),
  );
  await tx.steeringPolicy.createMany({
    data: policies.map((p) => ({
      ...p,
      orgId,
      preferred: p.preferred.filter((x) => sites.has(x.siteId)) as Prisma.InputJsonValue,
      slaClassId: sla(p.slaClassId),
    })),
  });
}
