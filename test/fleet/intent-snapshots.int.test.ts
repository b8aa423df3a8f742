// Intent snapshots by section (server/domains/fleet/intent/snapshots.ts): a change stores the
// sections it changed and nothing else, a revision that changed nothing stores no content,
// every snapshot reads back as the intent it was taken of, and retention removes old
// snapshots and the parts no snapshot names while keeping what devices and rollouts need.
// Parts are the org's own: another org's scope sees none, and the same content in two orgs
// is two rows.
import { afterAll, describe, expect, it } from "vitest";
import { loadIntent } from "../../server/domains/fleet/intent/load-intent";
import { bumpRevision } from "../../server/domains/fleet/intent/revision";
import {
  partHash,
  pruneIntentSnapshots,
  pruneOrgSnapshots,
  snapshotAt,
} from "../../server/domains/fleet/intent/snapshots";
import { getDb } from "../../server/platform/db/client";
import { closeQueues } from "../../server/platform/jobs/queues";
import { addDevice, asOrg, overlayOrg, revisionOf } from "../../testkit/factories/overlay";

afterAll(closeQueues);

const partsOf = (orgId: string) =>
  asOrg(orgId, (tx) => tx.intentPart.findMany({ where: { orgId }, orderBy: { hash: "asc" } }));
const snapshotsOf = (orgId: string) =>
  asOrg(orgId, (tx) =>
    tx.intentSnapshot.findMany({
      where: { orgId },
      select: { revision: true, parts: true, intent: true },
      orderBy: { revision: "asc" },
    }),
  );
const deny = (o: Awaited<ReturnType<typeof overlayOrg>>, priority: number) =>
  o.api.policy.create({
    orgSlug: o.slug,
    priority,
    action: "deny",
    src: "10.0.0.0/8",
    dst: `10.${priority}.0.0/16`,
  });
/** Makes every snapshot of the org look `days` old. */
const age = (orgId: string, days: number) =>
  asOrg(
    orgId,
    (tx) =>
      tx.$executeRaw`UPDATE intent_snapshots SET "createdAt" = now() - make_interval(days => ${days})
      WHERE "orgId" = ${orgId}`,
  );

describe("intent snapshots by section", () => {
  it("store only the sections a change changed, and read back as the intent", async () => {
    const o = await overlayOrg(["HQ"]);
    const before = await partsOf(o.orgId);
    const snapsBefore = await snapshotsOf(o.orgId);
    const last = snapsBefore.at(-1)!;
    expect(last.intent).toBeNull();
    const sections = Object.keys(last.parts as object);
    expect(sections.length).toBeGreaterThan(1);

    await deny(o, 1);
    const after = await partsOf(o.orgId);
    const added = after.filter((p) => !before.some((b) => b.hash === p.hash));
    expect(added.map((p) => p.section)).toEqual(["rules"]);
    const [prev, head] = (await snapshotsOf(o.orgId)).slice(-2) as {
      parts: Record<string, string>;
    }[];
    for (const section of sections)
      if (section !== "rules") expect(head!.parts[section], section).toBe(prev!.parts[section]);

    // The snapshot reads back as the intent the tables hold now, and its parts are addressed
    // by that content (as loaded: jsonb keeps its own key order).
    await asOrg(o.orgId, async (tx) => {
      const snap = await snapshotAt(tx, o.orgId, await revisionOf(o.orgId));
      const now = await loadIntent(tx, o.orgId);
      expect(snap?.intent).toEqual(now);
      for (const [section, body] of Object.entries(now))
        expect(head!.parts[section]).toBe(partHash(section, body));
    });
  });

  it("a revision that changed nothing stores no content", async () => {
    const o = await overlayOrg(["HQ"]);
    const before = await partsOf(o.orgId);
    await asOrg(o.orgId, (tx) => bumpRevision(tx, o.orgId, null, "agent capabilities"));
    await asOrg(o.orgId, (tx) => bumpRevision(tx, o.orgId, null, "agent capabilities"));
    expect(await partsOf(o.orgId)).toEqual(before);
    const [a, b] = (await snapshotsOf(o.orgId)).slice(-2);
    expect(b!.parts).toEqual(a!.parts);
  });

  it("keeps parts per org: another org's scope sees none, the same content is stored twice", async () => {
    const a = await overlayOrg(["HQ"]);
    const b = await overlayOrg(["HQ"]);
    const mine = await partsOf(a.orgId);
    expect(mine.length).toBeGreaterThan(0);
    const seen = await asOrg(b.orgId, (tx) =>
      tx.intentPart.findMany({ where: { orgId: a.orgId } }),
    );
    expect(seen).toEqual([]);
    // Both orgs have no policy rules: the same hash, one row each.
    const policyA = mine.find((p) => p.section === "rules")!;
    const policyB = (await partsOf(b.orgId)).find((p) => p.section === "rules")!;
    expect(policyB.hash).toBe(policyA.hash);
    // Pruning one org never touches the other's parts.
    await age(a.orgId, 400);
    await asOrg(a.orgId, (tx) => pruneOrgSnapshots(tx, a.orgId, { days: 1, keep: 1 }));
    expect((await partsOf(b.orgId)).some((p) => p.hash === policyA.hash)).toBe(true);
  });

  it("retention removes old snapshots and their parts, and keeps what devices need", async () => {
    const o = await overlayOrg(["HQ"]);
    for (let i = 1; i <= 4; i++) await deny(o, i);
    const head = await revisionOf(o.orgId);
    // A device still running an old revision: that one and every later one stay.
    const old = head - 3;
    const d = await addDevice(o.orgId, o.siteIds[0]!);
    await asOrg(o.orgId, (tx) =>
      tx.device.update({
        where: { id: d.id, orgId: o.orgId },
        data: { desiredRevision: old },
      }),
    );
    await asOrg(o.orgId, (tx) =>
      tx.fleetRevision.update({ where: { orgId: o.orgId }, data: { compiled: head } }),
    );
    await age(o.orgId, 100);
    const partsBefore = (await partsOf(o.orgId)).length;
    // Young snapshots are never pruned, however many.
    expect(
      await asOrg(o.orgId, (tx) => pruneOrgSnapshots(tx, o.orgId, { days: 365, keep: 1 })),
    ).toEqual({ snapshots: 0, parts: 0 });

    const n = await asOrg(o.orgId, (tx) => pruneOrgSnapshots(tx, o.orgId, { days: 30, keep: 1 }));
    const kept = (await snapshotsOf(o.orgId)).map((s) => s.revision);
    expect(kept).toEqual([old, old + 1, old + 2, head]);
    expect(n.snapshots).toBe(old - 1);
    // The policies of revisions gone (none, 1 rule) are parts no snapshot names any more.
    expect(n.parts).toBeGreaterThan(0);
    expect((await partsOf(o.orgId)).length).toBe(partsBefore - n.parts);
    await asOrg(o.orgId, async (tx) => {
      for (const r of kept) expect(await snapshotAt(tx, o.orgId, r)).not.toBeNull();
      expect(await snapshotAt(tx, o.orgId, old - 1)).toBeNull();
    });

    // The device moves on: only the newest revision is needed now.
    await asOrg(o.orgId, (tx) =>
      tx.device.update({ where: { id: d.id, orgId: o.orgId }, data: { desiredRevision: head } }),
    );
    // A device that was never sent anything (revision 0) needs no snapshot.
    await addDevice(o.orgId, o.siteIds[0]!);
    await pruneIntentSnapshots(getDb(), { days: 30, keep: 1 });
    expect((await snapshotsOf(o.orgId)).map((s) => s.revision)).toEqual([head]);
    // A diff to a revision no longer kept is a clear 404, not a crash.
    await expect(
      o.api.device.configDiff({ orgSlug: o.slug, deviceId: d.id, from: old, to: head }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringMatching(/no longer kept/),
    });
  });
});
