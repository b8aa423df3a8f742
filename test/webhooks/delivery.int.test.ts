// Deliveries on real parts: events written in the transaction of their change, delivered
// by the BullMQ workers to a receiver on loopback, signed with the endpoint's secret (both
// secrets during a rotation), replayed on demand; and another org sees none of it.
import "./webhook-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import type { EventType } from "../../server/platform/events/catalog";
import { emitEvent } from "../../server/platform/events/emit-event";
import { closeQueues } from "../../server/platform/jobs/queues";
import { callerFor, createOrgWithOwner } from "../../testkit/factories/identity";
import { until } from "../../testkit/wait";
import { type Received, startReceiver, verifies } from "../../testkit/webhook-receiver";
import { runWorkers } from "../../workers/run-workers";

let stopWorkers: () => Promise<void>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  stopWorkers = runWorkers(getDb(), () => {});
});
afterAll(async () => {
  await receiver.close();
  await stopWorkers();
  await closeQueues();
});

const parsed = (r: Received) =>
  JSON.parse(r.body) as {
    id: string;
    type: string;
    orgId: string;
    createdAt: string;
    data: Record<string, unknown>;
  };

async function orgWithEndpoint(events: EventType[] = ["audit.entry"]) {
  const { owner, org, slug } = await createOrgWithOwner();
  const api = callerFor(owner);
  const created = await api.webhook.create({ orgSlug: slug, url: receiver.url, events });
  return { api, org, slug, endpoint: created.endpoint, secret: created.secret };
}

const receivedFor = (orgId: string, match: (b: ReturnType<typeof parsed>) => boolean) =>
  until(`a delivery to org ${orgId}`, () =>
    receiver.received.find((r) => {
      const b = parsed(r);
      return b.orgId === orgId && match(b);
    }),
  );

describe("webhook deliveries", () => {
  it("POSTs a signed audit.entry after the change commits, and logs the delivery", async () => {
    const { api, org, slug, endpoint, secret } = await orgWithEndpoint();
    expect(secret).toMatch(/^whsec_/);
    const site = await api.site.create({ orgSlug: slug, name: "HQ" });
    const got = await receivedFor(org.id, (b) => b.data.action === "site.create");
    const body = parsed(got);
    expect(body).toMatchObject({
      type: "audit.entry",
      orgId: org.id,
      data: { targetType: "site", targetId: site.id, actor: { kind: "user" } },
    });
    expect(got.headers["patronus-webhook-id"]).toBe(body.id);
    expect(verifies(got, secret)).toBe(true);
    expect(verifies(got, `${secret}x`)).toBe(false);
    const log = await until("the delivery to be logged as succeeded", async () => {
      const page = await api.webhook.deliveries({ orgSlug: slug, endpointId: endpoint.id });
      return page.items.find((d) => d.eventId === body.id && d.status === "succeeded");
    });
    expect(log).toMatchObject({ attempts: 1, responseStatus: 200, responseExcerpt: "thanks" });
  });

  it("writes nothing for a change that rolled back", async () => {
    const { org } = await orgWithEndpoint(["device.online"]);
    await expect(
      withScope(getDb(), { orgId: org.id }, async (tx) => {
        await emitEvent(tx, org.id, "device.online", { deviceId: "d1", hostname: "box" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    const events = await withScope(getDb(), { orgId: org.id }, (tx) =>
      tx.webhookEvent.count({ where: { orgId: org.id, type: "device.online" } }),
    );
    expect(events).toBe(0);
  });

  it("signs with both secrets during a rotation, and only the new one after its window", async () => {
    const { api, org, slug, endpoint, secret: first } = await orgWithEndpoint();
    const rotated = await api.webhook.rotateSecret({ orgSlug: slug, endpointId: endpoint.id });
    const second = rotated.secret;
    expect(second).not.toBe(first);
    expect(rotated.endpoint.previousSecretExpiresAt).toBeInstanceOf(Date);
    await api.site.create({ orgSlug: slug, name: "During" });
    const during = await receivedFor(org.id, (b) => b.data.action === "site.create");
    expect(String(during.headers["patronus-signature"]).split(" ")).toHaveLength(2);
    expect(verifies(during, first)).toBe(true);
    expect(verifies(during, second)).toBe(true);

    // The window ends (as 24 hours later).
    await withScope(getDb(), { orgId: org.id }, (tx) =>
      tx.webhookEndpoint.update({
        where: { id: endpoint.id, orgId: org.id },
        data: { previousExpiresAt: new Date(Date.now() - 1000) },
      }),
    );
    const after = await api.site.create({ orgSlug: slug, name: "After" });
    const late = await receivedFor(org.id, (b) => b.data.targetId === after.id);
    expect(verifies(late, second)).toBe(true);
    expect(verifies(late, first)).toBe(false);
  });

  it("sends a test event, and replays a delivery with the same event id", async () => {
    const { api, org, slug, endpoint } = await orgWithEndpoint(["rollout.halted"]);
    const { eventId } = await api.webhook.sendTest({ orgSlug: slug, endpointId: endpoint.id });
    await receivedFor(org.id, (b) => b.id === eventId && b.type === "webhook.test");
    const delivery = await until("the test delivery to succeed", async () => {
      const page = await api.webhook.deliveries({ orgSlug: slug, endpointId: endpoint.id });
      return page.items.find((d) => d.eventId === eventId && d.status === "succeeded");
    });
    await api.webhook.replay({ orgSlug: slug, deliveryId: delivery.id });
    await until("the replayed delivery to arrive", () =>
      receiver.received.filter((r) => parsed(r).id === eventId).length === 2 ? true : undefined,
    );
  });

  it("pages the delivery log with a cursor", async () => {
    const { api, slug, endpoint } = await orgWithEndpoint(["rollout.halted"]);
    for (let i = 0; i < 3; i++)
      await api.webhook.sendTest({ orgSlug: slug, endpointId: endpoint.id });
    const first = await api.webhook.deliveries({
      orgSlug: slug,
      endpointId: endpoint.id,
      limit: 2,
    });
    expect(first.items).toHaveLength(2);
    expect(first.next).toBeTruthy();
    const second = await api.webhook.deliveries({
      orgSlug: slug,
      endpointId: endpoint.id,
      limit: 2,
      cursor: first.next,
    });
    expect(second.items).toHaveLength(1);
    expect(second.next).toBeNull();
    expect(new Set([...first.items, ...second.items].map((d) => d.id)).size).toBe(3);
  });
});

describe("webhook API", () => {
  it("refuses bad endpoint URLs and event types with a clear 400", async () => {
    const { owner, slug } = await createOrgWithOwner();
    const api = callerFor(owner);
    const refused = async (url: string, events: string[] = ["device.online"]) => {
      const error = await api.webhook.create({ orgSlug: slug, url, events: events as never }).then(
        () => null,
        (e: { code?: string; message: string }) => e,
      );
      expect(error?.code, url).toBe("BAD_REQUEST");
      return error?.message ?? "";
    };
    expect(await refused("ftp://example.com/hook")).toMatch(/https/);
    expect(await refused("https://user:pw@example.com/hook")).toMatch(/credentials/);
    expect(await refused("not a url")).toMatch(/full URL/);
    expect(await refused(`https://example.com/${"a".repeat(2100)}`)).toMatch(/2048/);
    expect(await refused("http://10.0.0.5/hook")).toMatch(/private/);
    expect(await refused("http://169.254.169.254/latest/meta-data")).toMatch(/link-local/);
    // 10.0.0.5 written as one decimal number (127.0.0.1 is allowed in this file).
    expect(await refused("http://167772165:9/hook")).toMatch(/private/);
    expect(await refused("https://example.com/hook", [])).toMatch(/at least one/);
    expect(await refused("https://example.com/hook", ["device.exploded"])).toBeTruthy();
  });

  it("another org cannot see, change, replay or delete an org's endpoints and deliveries", async () => {
    const a = await orgWithEndpoint(["rollout.halted"]);
    const { eventId } = await a.api.webhook.sendTest({
      orgSlug: a.slug,
      endpointId: a.endpoint.id,
    });
    const delivery = await until("org A's delivery", async () => {
      const page = await a.api.webhook.deliveries({ orgSlug: a.slug, endpointId: a.endpoint.id });
      return page.items.find((d) => d.eventId === eventId);
    });
    const b = await orgWithEndpoint(["rollout.halted"]);
    const endpointId = a.endpoint.id;
    const notFound = (call: Promise<unknown>) =>
      expect(call).rejects.toMatchObject({ code: "NOT_FOUND" });
    await notFound(b.api.webhook.deliveries({ orgSlug: b.slug, endpointId }));
    await notFound(b.api.webhook.update({ orgSlug: b.slug, endpointId, enabled: false }));
    await notFound(b.api.webhook.rotateSecret({ orgSlug: b.slug, endpointId }));
    await notFound(b.api.webhook.sendTest({ orgSlug: b.slug, endpointId }));
    await notFound(b.api.webhook.replayDead({ orgSlug: b.slug, endpointId }));
    await notFound(b.api.webhook.replay({ orgSlug: b.slug, deliveryId: delivery.id }));
    await notFound(b.api.webhook.delete({ orgSlug: b.slug, endpointId }));
    // Naming org A's slug does not help a member of B.
    await notFound(b.api.webhook.list({ orgSlug: a.slug }));
    const listed = (await b.api.webhook.list({ orgSlug: b.slug })).items;
    expect(listed.map((e) => e.id)).toEqual([b.endpoint.id]);
    // A's endpoint is untouched.
    const mine = (await a.api.webhook.list({ orgSlug: a.slug })).items;
    expect(mine[0]).toMatchObject({ id: endpointId, enabled: true });
  });
});
