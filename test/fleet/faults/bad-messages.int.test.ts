// Messages the fleet must refuse on the channel, end to end: the real control plane, real
// agents enrolled through the enrollment endpoint, Mosquitto in between. Each is refused
// with an error that says what was wrong, and changes neither what a device runs nor what
// the database says it runs; a rollout in flight is not disturbed, and the next real
// change still reaches everyone.
//
// The agent's own checks against a bare broker (wrong hash, off-schema, oversized, a
// config the device cannot run) are in test/agent/agent.int.test.ts; the broker's size
// limit and ACLs on their own in test/fleet/broker/channel.int.test.ts.
import type { MqttClient } from "mqtt";
import { describe, expect, it } from "vitest";
import {
  configHash,
  type DesiredState,
  type DeviceConfig,
  encodeMessage,
  MAX_MESSAGE_BYTES,
  topics,
} from "../../../protocol";
import { ingestRefused } from "../../../server/platform/metrics/fleet";
import { Cleanups } from "../../../testkit/cleanups";
import { devicesOf, rolloutsOf } from "../../../testkit/factories/fleet";
import {
  addRule,
  createTenant,
  enrollBoxes,
  fleetRevision,
} from "../../../testkit/factories/tenant";
import { type RunningAgent, startAgent } from "../../../testkit/stack/agents";
import { stackWithControlPlane } from "../../../testkit/stack/control-plane";
import {
  connectMqtt,
  controlClientId,
  controlCreds,
  deviceCreds,
  publishOutcome,
} from "../../../testkit/stack/mqtt";
import { until } from "../../../testkit/wait";

const cleanups = new Cleanups();
const fleet = stackWithControlPlane(cleanups);

const desired = (deviceId: string, revision: number, config: DeviceConfig): DesiredState => ({
  v: 1,
  deviceId,
  revision,
  hash: configHash(config),
  issuedAt: new Date().toISOString(),
  config,
});

/** What a refusal must leave alone: the desired and reported columns of a device row. */
async function essentials(orgId: string, deviceId: string) {
  const r = (await devicesOf(orgId)).find((d) => d.id === deviceId)!;
  return {
    status: r.status,
    desiredRevision: r.desiredRevision,
    desiredHash: r.desiredHash,
    reportedRevision: r.reportedRevision,
    reportedHash: r.reportedHash,
    appliedAt: r.appliedAt,
  };
}

const running = (a: RunningAgent) => ({
  hash: a.runningHash(),
  applies: a.driver.applies,
  revision: a.agent.snapshot().revision,
});

async function track(client: Promise<MqttClient>, cleanups: Cleanups) {
  const c = await client;
  cleanups.add(() => c.endAsync(true));
  return c;
}

describe("bad messages on the channel", () => {
  it("are refused with a clear error and change nothing", async () => {
    const tenant = await createTenant();
    const [boxA, boxB] = await enrollBoxes(fleet.stack, tenant, 2, cleanups);
    const a = await startAgent(boxA!, cleanups);
    const idA = boxA!.identity;
    const idB = boxB!.identity;
    const rowOf = async (deviceId: string) =>
      (await devicesOf(tenant.orgId)).find((d) => d.id === deviceId)!;

    // A rollout in flight: A applies it at once, B is offline and has not answered yet.
    const beforeRevision = await fleetRevision(tenant.orgId);
    await until("A to run the first revision", async () => {
      const r = await rowOf(idA.deviceId);
      return r.reportedRevision === beforeRevision && a.runningHash() === r.desiredHash;
    });
    const before = a.driver.current!;
    const { revision } = await addRule(tenant, 1);
    await until("A to apply the new revision", async () => {
      const r = await rowOf(idA.deviceId);
      return r.reportedRevision === revision && a.runningHash() === r.desiredHash;
    });
    const [rollout] = (await rolloutsOf(tenant.orgId)).filter((r) => r.revision === revision);
    expect(rollout).toMatchObject({
      status: "rolling",
      deviceIds: expect.arrayContaining([idA.deviceId, idB.deviceId]),
    });

    const control = await track(
      connectMqtt(
        fleet.stack.broker.controlUrl,
        fleet.stack.platform.caPem,
        controlCreds(fleet.stack.platform),
        {
          clientId: controlClientId(),
        },
      ),
      cleanups,
    );
    const rowBefore = await essentials(tenant.orgId, idA.deviceId);
    const agentBefore = running(a);
    const configB = a.driver.current!; // same site, same config: only the addressee differs
    // Oversized: Mosquitto drops it (message_size_limit) before it reaches the agent. The
    // malformed message after it is the sentinel: the agent sees that one, not the big one.
    const big = Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x7b);
    const refusals = () => a.log.entries.filter((e) => e.msg === "rejected desired state");
    const seenBefore = refusals().length;
    // MQTT 3.1.1 has no negative PUBACK: the broker acks and drops it.
    expect(await publishOutcome(control, topics.desired(idA.identity), big)).toBe("acked");
    await publishOutcome(control, topics.desired(idA.identity), "{sentinel");
    await until("A to refuse the sentinel", () => refusals().length > seenBefore, {
      seen: () => a.log.entries,
    });
    expect(
      refusals()
        .slice(seenBefore)
        .map((e) => e.fields.error),
    ).toEqual(["message is not JSON"]);
    expect(running(a)).toEqual(agentBefore);

    const cases: { name: string; payload: Buffer | string; error: RegExp }[] = [
      { name: "malformed JSON", payload: "{not json", error: /^message is not JSON$/ },
      {
        name: "an older revision",
        payload: encodeMessage("desired", desired(idA.deviceId, beforeRevision, before)),
        error: new RegExp(`revision ${beforeRevision} is older than applied ${revision}`),
      },
      // Last, so that what A reported last claims the revision the next change will have.
      {
        name: "a snapshot for another device",
        payload: encodeMessage("desired", desired(idB.deviceId, revision + 1, configB)),
        error: new RegExp(`addressed to device ${idB.deviceId}, not ${idA.deviceId}`),
      },
    ];
    for (const c of cases) {
      await publishOutcome(control, topics.desired(idA.identity), c.payload);
      await until(`A to refuse ${c.name}`, () => c.error.test(a.agent.snapshot().error ?? ""), {
        seen: () => a.agent.snapshot(),
      });
      expect(a.agent.snapshot().status, c.name).toBe("rejected");
      await until(`the refusal of ${c.name} in the database`, async () =>
        c.error.test((await rowOf(idA.deviceId)).lastError ?? ""),
      );
      expect((await rowOf(idA.deviceId)).applyStatus, c.name).toBe("rejected");
      expect(await essentials(tenant.orgId, idA.deviceId), c.name).toEqual(rowBefore);
      expect(running(a), c.name).toEqual(agentBefore);
    }

    // B, still offline, publishes garbage on its own state topic: the ingest says why it
    // refused it, and B's row stays as it was.
    const rowB = await essentials(tenant.orgId, idB.deviceId);
    const asB = await track(
      connectMqtt(
        fleet.stack.broker.url,
        fleet.stack.platform.caPem,
        deviceCreds(boxB!.credentials),
        {
          clientId: idB.identity,
        },
      ),
      cleanups,
    );
    for (const payload of ["garbage", JSON.stringify({ v: 1, revision: "all of them" })]) {
      await asB.publishAsync(topics.state(idB.identity), payload, { qos: 1, retain: true });
    }
    await until(
      "the ingest to refuse both",
      () =>
        fleet.cp.logs.filter(
          (l) => l.msg === "refused a device message" && l.fields?.device === idB.identity,
        ).length >= 2,
      { seen: () => fleet.cp.logs },
    );
    expect(
      fleet.cp.logs
        .filter((l) => l.fields?.device === idB.identity)
        .map((l) => [l.fields?.channel, l.fields?.error]),
    ).toEqual([
      ["state", "message is not JSON"],
      ["state", expect.stringMatching(/^invalid message: revision: /)],
    ]);
    await asB.endAsync();
    expect(await essentials(tenant.orgId, idB.deviceId)).toEqual(rowB);
    // Both counted (docs/observability.md), under the channel's name, never the device's.
    const refused = await ingestRefused().get();
    expect(refused.values.find((v) => v.labels.channel === "state")?.value).toBeGreaterThanOrEqual(
      2,
    );
    expect(JSON.stringify(refused)).not.toContain(idB.deviceId);

    // The rollout was not disturbed: B comes online, applies it, and it completes.
    const b = await startAgent(boxB!, cleanups);
    await until(
      "the rollout to complete",
      async () => {
        const [r] = (await rolloutsOf(tenant.orgId)).filter((x) => x.revision === revision);
        return r?.status === "completed";
      },
      {
        seen: async () => ({
          rollouts: await rolloutsOf(tenant.orgId),
          rows: await devicesOf(tenant.orgId),
        }),
      },
    );

    // And the next real change reaches both.
    const next = await addRule(tenant, 2);
    await until(
      "both to run the next revision",
      async () => {
        const rows = await devicesOf(tenant.orgId);
        return rows.every(
          (r) =>
            r.reportedRevision === next.revision &&
            r.reportedHash === r.desiredHash &&
            [a, b].find((x) => x.box.identity.deviceId === r.id)?.runningHash() === r.desiredHash,
        );
      },
      {
        seen: async () => ({
          rollouts: await rolloutsOf(tenant.orgId),
          rows: await devicesOf(tenant.orgId),
        }),
      },
    );
  });
});
