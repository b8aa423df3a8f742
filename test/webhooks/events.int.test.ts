// Events where they happen, on the real fleet stack (Mosquitto, the ingest, the workers):
// a box enrolls and comes online, applies its config and finishes a rollout, reports a
// failover and goes offline; a billing change and every audit entry are events too. Each
// reaches the endpoint that subscribes to it, and only what it subscribes to.
import "./webhook-env";
import { describe, expect, it } from "vitest";
import { topics } from "../../protocol";
import { billingAudit } from "../../server/domains/billing/services/sync/effects";
import { markSilentDevicesOffline } from "../../server/domains/fleet/channel/presence-sweep";
import { halt } from "../../server/domains/fleet/rollout/progress";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { EVENT_TYPES } from "../../server/platform/events/catalog";
import { Cleanups } from "../../testkit/cleanups";
import { asBox, pathEvent } from "../../testkit/factories/overlay-fleet";
import { createTenant, enrollBoxes } from "../../testkit/factories/tenant";
import { startAgent } from "../../testkit/stack/agents";
import { useFleetStack } from "../../testkit/stack/fleet-stack";
import { until } from "../../testkit/wait";
import { startReceiver } from "../../testkit/webhook-receiver";

const cleanups = new Cleanups();
const stack = useFleetStack({ cleanups });

describe("events emitted where they happen", () => {
  it("device, config, rollout, path, billing and audit events reach a subscribed endpoint", async () => {
    const receiver = await startReceiver();
    cleanups.add(() => receiver.close());
    const tenant = await createTenant();
    const everything = await tenant.caller.webhook.create({
      orgSlug: tenant.slug,
      url: receiver.url,
      events: EVENT_TYPES,
    });
    const onlyOffline = await tenant.caller.webhook.create({
      orgSlug: tenant.slug,
      url: receiver.url,
      events: ["device.offline"],
    });
    const events = () =>
      receiver.received.map(
        (r) => JSON.parse(r.body) as { id: string; type: string; data: Record<string, unknown> },
      );
    const seen = (type: string, match: (d: Record<string, unknown>) => boolean = () => true) =>
      until(`a ${type} event`, () => events().find((e) => e.type === type && match(e.data)), {
        seen: () => events().map((e) => e.type),
      });

    const [box] = await enrollBoxes(stack, tenant, 1, cleanups);
    const deviceId = box!.identity.deviceId;
    expect((await seen("device.enrolled")).data).toMatchObject({
      deviceId,
      siteId: tenant.siteId,
      hostname: "box-0",
    });
    const agent = await startAgent(box!, cleanups);
    await seen("device.online", (d) => d.deviceId === deviceId);
    await seen("config.applied", (d) => d.deviceId === deviceId);

    // A change rolls out to the box, which applies it: started, then completed.
    await tenant.caller.policy.create({
      orgSlug: tenant.slug,
      priority: 10,
      action: "deny",
      src: "10.1.0.0/16",
      dst: "10.2.0.0/16",
    });
    const started = await seen("rollout.started");
    await seen("rollout.completed", (d) => d.rolloutId === started.data.rolloutId);
    await seen("audit.entry", (d) => d.action === "policy.rule.create");

    await agent.agent.stop();
    const offline = await seen("device.offline", (d) => d.deviceId === deviceId);
    expect(offline.data.reason).toBe("disconnected");

    // The box reports a failover (as its agent would, over its own topic).
    const client = await asBox(stack, box!, cleanups);
    await client.publishAsync(
      topics.events(box!.identity.identity),
      JSON.stringify({ v: 1, events: [pathEvent(`ev-${Date.now()}`)] }),
      { qos: 1 },
    );
    expect((await seen("path.failover")).data).toMatchObject({ deviceId, toPath: "l3~l2" });
    await client.endAsync(true);

    // Silent for long enough: the presence sweep marks it offline (again, if it came back).
    await withScope(getDb(), { orgId: tenant.orgId }, (tx) =>
      tx.device.update({ where: { id: deviceId, orgId: tenant.orgId }, data: { online: true } }),
    );
    await markSilentDevicesOffline(getDb(), 0);
    await seen("device.offline", (d) => d.reason === "silent");

    await withScope(getDb(), { orgId: tenant.orgId }, async (tx) => {
      await halt(tx, tenant.orgId, String(started.data.rolloutId), 2, "2 device(s) failed");
      await billingAudit(tx, tenant.orgId, "billing.grace_started", {
        after: { status: "past_due" },
      });
    });
    await seen("rollout.halted", (d) => d.reason === "2 device(s) failed");
    expect((await seen("billing.state_changed")).data).toEqual({
      change: "grace_started",
      before: null,
      after: { status: "past_due" },
    });

    // The endpoint subscribed to device.offline alone got exactly those.
    const narrow = await until("the narrow endpoint's deliveries", async () => {
      const page = await tenant.caller.webhook.deliveries({
        orgSlug: tenant.slug,
        endpointId: onlyOffline.endpoint.id,
      });
      return page.items.length >= 2 && page.items;
    });
    expect(new Set(narrow.map((d) => d.eventType))).toEqual(new Set(["device.offline"]));
    expect(everything.endpoint.events).toEqual([...EVENT_TYPES].sort());
  });
});
