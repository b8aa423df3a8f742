// The overlay's uplink end to end on real parts: boxes enrolled through the enrollment
// endpoint publish on their own topics over mTLS to Mosquitto; the ingest stores what they
// say (tunnel keys, path samples, selection, events), a new key reaches the peers through
// a revision and the compile, bad payloads are refused, and no payload can write another
// tenant's rows.
import { describe, expect, it } from "vitest";
import {
  configHash,
  type DesiredState,
  MAX_MESSAGE_BYTES,
  topics,
  ZDesiredState,
} from "../../../protocol";
import { pathReportKey } from "../../../server/domains/overlay/ingest";
import { getRedis } from "../../../server/platform/redis";
import { Cleanups } from "../../../testkit/cleanups";
import { devicesOf } from "../../../testkit/factories/fleet";
import {
  asBox,
  newKey,
  overlayFleetOrg,
  overlayRows,
  overlayStatus,
  pathEvent,
  pathReport,
} from "../../../testkit/factories/overlay-fleet";
import { enrollBoxes } from "../../../testkit/factories/tenant";
import { stackWithControlPlane } from "../../../testkit/stack/control-plane";
import { Inbox, publishOutcome } from "../../../testkit/stack/mqtt";
import { until } from "../../../testkit/wait";

const cleanups = new Cleanups();
const fleet = stackWithControlPlane(cleanups);

const json = (v: unknown) => JSON.stringify(v);
const publish = (c: Awaited<ReturnType<typeof asBox>>, topic: string, v: unknown, retain = false) =>
  c.publishAsync(topic, typeof v === "string" ? v : json(v), { qos: 1, retain });

describe("overlay reports", () => {
  it("stores a tunnel key, bumps the revision when it is new, and the peer's desired state carries it", async () => {
    const org = await overlayFleetOrg(fleet.stack, cleanups, { sites: 2, links: true });
    const [boxA, boxB] = org.boxes as [(typeof org.boxes)[0], (typeof org.boxes)[0]];
    const a = await asBox(fleet.stack, boxA, cleanups);
    const b = await asBox(fleet.stack, boxB, cleanups);
    const inboxB = new Inbox(b);
    await b.subscribeAsync(topics.desired(boxB.identity.identity), { qos: 1 });

    const keyA = newKey();
    const keyB = newKey();
    await publish(a, topics.overlay(boxA.identity.identity), overlayStatus(keyA), true);
    await publish(b, topics.overlay(boxB.identity.identity), overlayStatus(keyB), true);
    const rows = await until("both keys to be stored", async () => {
      const r = await overlayRows(org.orgId);
      return r.devices.every((d) => d.overlayPublicKey) && r;
    });
    expect(rows.devices.find((d) => d.id === boxA.identity.deviceId)?.overlayPublicKey).toBe(keyA);
    // One bump per ingest batch: the two keys may share one.
    const bumps = rows.snapshots.slice(
      rows.snapshots.findIndex((s) => s.reason === "overlay links") + 1,
    );
    expect(bumps.length).toBeGreaterThan(0);
    for (const s of bumps)
      expect(s.reason).toMatch(
        /^tunnel key of device box-[01]$|^tunnel keys of 2 devices \(box-0, box-1\)$/,
      );

    const hasKey = (key: string) => (m: { payload: string }) =>
      (JSON.parse(m.payload) as DesiredState).config.overlay?.paths.some(
        (p) => p.remote.publicKey === key,
      ) ?? false;
    const desired = ZDesiredState.parse(
      JSON.parse((await inboxB.next(hasKey(keyA), 30_000)).payload),
    );
    const [path] = desired.config.overlay!.paths;
    expect(path).toMatchObject({
      localLink: expect.any(String),
      remote: {
        siteId: org.sites[0],
        deviceId: boxA.identity.deviceId,
        publicKey: keyA,
        endpoint: { address: "198.51.100.1", port: 51820 },
      },
      prefixes: ["10.1.0.0/16"],
    });
    await until("B's row to desire that config", async () => {
      const row = (await devicesOf(org.orgId)).find((d) => d.id === boxB.identity.deviceId);
      return row?.desiredHash === configHash(desired.config);
    });

    // The same key again (a reconnect): the status is stored, the revision stays.
    const revisions = (await overlayRows(org.orgId)).snapshots.length;
    const again = new Date(Date.now() - 1);
    await publish(a, topics.overlay(boxA.identity.identity), overlayStatus(keyA, again), true);
    await until("the repeated status to be stored", async () =>
      (await overlayRows(org.orgId)).devices.some(
        (d) => d.overlayStatusAt?.getTime() === again.getTime(),
      ),
    );
    expect((await overlayRows(org.orgId)).snapshots).toHaveLength(revisions);

    // A new key: one more revision, and B learns it.
    const rotated = newKey();
    await publish(a, topics.overlay(boxA.identity.identity), overlayStatus(rotated), true);
    await inboxB.next(hasKey(rotated), 30_000);
    const after = (await overlayRows(org.orgId)).snapshots;
    expect(after.slice(revisions).map((s) => s.reason)).toEqual(["tunnel key of device box-0"]);
  });

  it("publishes a standby box of a site in the overlay its config, without the tunnels", async () => {
    const org = await overlayFleetOrg(fleet.stack, cleanups, { sites: 2, links: true });
    const [boxA, boxB] = org.boxes as [(typeof org.boxes)[0], (typeof org.boxes)[0]];
    const a = await asBox(fleet.stack, boxA, cleanups);
    const b = await asBox(fleet.stack, boxB, cleanups);
    const inboxA = new Inbox(a);
    await a.subscribeAsync(topics.desired(boxA.identity.identity), { qos: 1 });
    await publish(a, topics.overlay(boxA.identity.identity), overlayStatus(newKey()), true);
    await publish(b, topics.overlay(boxB.identity.identity), overlayStatus(newKey()), true);
    await inboxA.next((m) => !!(JSON.parse(m.payload) as DesiredState).config.overlay, 30_000);

    // A second box at A's site: A stays the tunnel end, so this one's config has no overlay.
    // Publishing must build it per device too, or its hash never matches and it gets nothing.
    const [standby] = await enrollBoxes(fleet.stack, org, 1, cleanups);
    const s = await asBox(fleet.stack, standby!, cleanups);
    const inbox = new Inbox(s);
    await s.subscribeAsync(topics.desired(standby!.identity.identity), { qos: 1 });
    const desired = JSON.parse((await inbox.next(() => true, 30_000)).payload) as DesiredState;
    const row = (await devicesOf(org.orgId)).find((d) => d.id === standby!.identity.deviceId);
    expect(desired.hash).toBe(row?.desiredHash);
    expect(desired.config.overlay).toBeUndefined();
    expect(desired.config.site.id).toBe(org.sites[0]);
  });

  it("does not bump the revision of an org whose sites have no WAN links", async () => {
    const org = await overlayFleetOrg(fleet.stack, cleanups);
    const box = await asBox(fleet.stack, org.boxes[0]!, cleanups);
    const before = (await overlayRows(org.orgId)).snapshots.length;
    const key = newKey();
    await publish(box, topics.overlay(org.boxes[0]!.identity.identity), overlayStatus(key), true);
    await until("the key to be stored", async () =>
      (await overlayRows(org.orgId)).devices.some((d) => d.overlayPublicKey === key),
    );
    expect((await overlayRows(org.orgId)).snapshots).toHaveLength(before);
  });

  it("stores path samples and the selection, and a later status keeps the selection", async () => {
    const org = await overlayFleetOrg(fleet.stack, cleanups);
    const box = org.boxes[0]!;
    const c = await asBox(fleet.stack, box, cleanups);
    const id = box.identity.identity;
    const selection = [
      {
        unit: "class:2",
        unitName: "Voice",
        remoteSiteId: "site-remote",
        pathId: "l1~l2",
        since: new Date().toISOString(),
      },
    ];
    await publish(
      c,
      topics.paths(id),
      pathReport([{ id: "l1~l2" }, { id: "l1~l3", state: "down", latencyMs: 80 }], selection),
    );
    const rows = await until("two samples", async () => {
      const r = await overlayRows(org.orgId);
      return r.samples.length === 2 && r;
    });
    expect(
      rows.samples.map((s) => [s.pathId, s.deviceId, s.siteId, s.up, s.latencyMs, s.mos]),
    ).toEqual([
      ["l1~l2", box.identity.deviceId, org.siteId, true, 12.5, 4.3],
      ["l1~l3", box.identity.deviceId, org.siteId, false, 80, 4.3],
    ]);
    const device = await until("the selection", async () => {
      const d = (await overlayRows(org.orgId)).devices[0];
      return (d?.overlayStatus as { selection?: unknown } | null)?.selection ? d : undefined;
    });
    expect((device.overlayStatus as { selection: unknown }).selection).toEqual(selection);
    expect(
      JSON.parse((await getRedis().get(pathReportKey(org.orgId, box.identity.deviceId)))!),
    ).toMatchObject({ selection });

    const key = newKey();
    await publish(c, topics.overlay(id), overlayStatus(key), true);
    const updated = await until("the status", async () => {
      const d = (await overlayRows(org.orgId)).devices[0];
      return d?.overlayPublicKey === key && d;
    });
    expect(updated.overlayStatus).toMatchObject({ publicKey: key, tunnels: [], selection });
  });

  it("stores a redelivered event once", async () => {
    const org = await overlayFleetOrg(fleet.stack, cleanups);
    const box = org.boxes[0]!;
    const c = await asBox(fleet.stack, box, cleanups);
    const e1 = pathEvent("evt-00000001");
    const e2 = pathEvent("evt-00000002", { kind: "path_down", metrics: undefined });
    await publish(c, topics.events(box.identity.identity), { v: 1, events: [e1, e2] });
    await publish(c, topics.events(box.identity.identity), { v: 1, events: [e1, e1] });
    // The third event travels with a redelivery: once it is stored, so is all before it.
    const e3 = pathEvent("evt-00000003", { kind: "failback" });
    await publish(c, topics.events(box.identity.identity), { v: 1, events: [e2, e3] });
    const rows = await until("the third event", async () => {
      const r = await overlayRows(org.orgId);
      return r.events.some((e) => e.eventId === e3.id) && r;
    });
    expect(rows.events.map((e) => [e.eventId, e.kind, e.siteId, e.deviceId])).toEqual([
      ["evt-00000001", "failover", org.siteId, box.identity.deviceId],
      ["evt-00000002", "path_down", org.siteId, box.identity.deviceId],
      ["evt-00000003", "failback", org.siteId, box.identity.deviceId],
    ]);
    expect(rows.events[0]).toMatchObject({
      reason: "latency 212 ms > 150 ms",
      metrics: { latencyMs: 212, jitterMs: 3, lossPct: 0 },
      at: new Date(e1.at),
    });
    expect(rows.events[1]!.metrics).toBeNull();
  });

  it("keeps a device clock that runs ahead from dating rows in the future", async () => {
    const org = await overlayFleetOrg(fleet.stack, cleanups);
    const box = org.boxes[0]!;
    const c = await asBox(fleet.stack, box, cleanups);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    await publish(c, topics.events(box.identity.identity), {
      v: 1,
      events: [pathEvent("evt-future01", { at: tomorrow })],
    });
    const rows = await until("the event", async () => {
      const r = await overlayRows(org.orgId);
      return r.events.length > 0 && r;
    });
    expect(rows.events[0]!.at.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("refuses bad payloads with a reason and changes nothing", async () => {
    const org = await overlayFleetOrg(fleet.stack, cleanups);
    const box = org.boxes[0]!;
    const c = await asBox(fleet.stack, box, cleanups);
    const id = box.identity.identity;
    const before = await overlayRows(org.orgId);
    const cases: [topic: string, payload: string | Buffer][] = [
      [topics.overlay(id), "{not json"],
      [topics.overlay(id), json({ ...overlayStatus(newKey()), publicKey: "not-a-key" })],
      [topics.paths(id), json({ ...pathReport([{ id: "l1~l2" }]), at: "yesterday" })],
      [topics.paths(id), json(pathReport([{ id: "bad id with spaces" }]))],
      [topics.events(id), json({ v: 1, events: [] })],
      [topics.events(id), json({ v: 1, events: [{ ...pathEvent("evt-00000009"), kind: "boom" }] })],
      [topics.events(id), Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20)],
    ];
    for (const [topic, payload] of cases) await c.publishAsync(topic, payload, { qos: 1 });
    // Mosquitto drops the oversized one itself (message_size_limit); the rest reach the ingest.
    const refused = await until("the ingest to refuse six messages", () => {
      const r = fleet.cp.logs.filter(
        (l) => l.msg === "refused a device message" && l.fields?.device === id,
      );
      return r.length >= 6 && r;
    });
    expect(refused.map((l) => [l.fields?.channel, l.fields?.error])).toEqual([
      ["overlay", "message is not JSON"],
      ["overlay", expect.stringMatching(/^invalid message: publicKey: /)],
      ["paths", expect.stringMatching(/^invalid message: at: /)],
      ["paths", expect.stringMatching(/^invalid message: paths\.0\.id: /)],
      ["events", expect.stringMatching(/^invalid message: events: /)],
      ["events", expect.stringMatching(/^invalid message: events\.0\.kind: /)],
    ]);
    // A good message after them is stored: the ingest is alive, and nothing else changed.
    await publish(c, topics.events(id), { v: 1, events: [pathEvent("evt-0000000a")] });
    const after = await until("the good event", async () => {
      const r = await overlayRows(org.orgId);
      return r.events.length === 1 && r;
    });
    expect(after.samples).toEqual(before.samples);
    expect(after.devices).toEqual(before.devices);
    expect(after.snapshots).toEqual(before.snapshots);
  });

  it("writes only the publishing device's rows, whatever the payload names", async () => {
    const x = await overlayFleetOrg(fleet.stack, cleanups);
    const y = await overlayFleetOrg(fleet.stack, cleanups);
    const boxX = x.boxes[0]!;
    const boxY = y.boxes[0]!;
    const c = await asBox(fleet.stack, boxX, cleanups);
    const idX = boxX.identity.identity;
    const yBefore = await overlayRows(y.orgId);

    // All on x's paths topic. Fields naming another tenant's org or device are part of no
    // schema: ignored, like any field a newer agent might send (the org and device come from
    // the topic), so the first is x's own report. The other two are no path reports: refused.
    const forged = [
      json({ ...pathReport([{ id: "l1~l2" }]), orgId: y.orgId, deviceId: boxY.identity.deviceId }),
      json({ v: 1, events: [{ ...pathEvent("evt-forged01"), deviceId: boxY.identity.deviceId }] }),
      json({ ...overlayStatus(newKey()), siteId: y.siteId }),
    ];
    for (const p of forged) await c.publishAsync(topics.paths(idX), p, { qos: 1 });
    // Ids of the other tenant where the schema allows free ids are only labels on x's rows.
    await publish(c, topics.events(idX), {
      v: 1,
      events: [pathEvent("evt-000000x1", { remoteSiteId: y.siteId })],
    });
    await publish(c, topics.paths(idX), pathReport([{ id: `${y.siteId}~other` }]));
    // On y's topics with x's certificate: Mosquitto's ACL acks and drops (MQTT 3.1.1).
    const idY = boxY.identity.identity;
    const rogue = [
      [topics.events(idY), json({ v: 1, events: [pathEvent("evt-000000y1")] })],
      [topics.overlay(idY), json(overlayStatus(newKey()))],
      [topics.paths(idY), json(pathReport([{ id: "l1~l2" }]))],
    ] as const;
    for (const [topic, payload] of rogue)
      expect(await publishOutcome(c, topic, payload)).toBe("acked");
    // The sentinel on x's own topic: once stored, everything published before it was handled.
    await publish(c, topics.events(idX), { v: 1, events: [pathEvent("evt-sentinel")] });
    const xRows = await until("x's sentinel", async () => {
      const r = await overlayRows(x.orgId);
      return r.events.some((e) => e.eventId === "evt-sentinel") && r.samples.length > 0 && r;
    });
    expect(
      fleet.cp.logs.filter((l) => l.msg === "refused a device message" && l.fields?.device === idX),
    ).toHaveLength(2);
    for (const row of [...xRows.events, ...xRows.samples]) {
      expect(row).toMatchObject({
        orgId: x.orgId,
        deviceId: boxX.identity.deviceId,
        siteId: x.siteId,
      });
    }
    expect(xRows.events.map((e) => e.eventId).sort()).toEqual(["evt-000000x1", "evt-sentinel"]);
    expect(await overlayRows(y.orgId)).toEqual(yBefore);
    expect(yBefore.events).toEqual([]);
    expect(yBefore.samples).toEqual([]);
  });
});
