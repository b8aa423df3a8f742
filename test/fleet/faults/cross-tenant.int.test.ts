// A box of org A, enrolled through the API, turned against the broker with the real
// mosquitto_sub and its own key and certificate from its state directory: whatever filters
// it tries, it reads nothing of org B, neither retained nor live, only its own downlink.
// (test/fleet/broker/ has the same rule on hand-made certificates, on both brokers.)
import { describe, expect, it } from "vitest";
import { TOPIC_ROOT, topics } from "../../../protocol";
import { Cleanups } from "../../../testkit/cleanups";
import { devicesOf } from "../../../testkit/factories/fleet";
import { createTenant, enrollBoxes, type Tenant } from "../../../testkit/factories/tenant";
import { startAgent } from "../../../testkit/stack/agents";
import { useFleetStack } from "../../../testkit/stack/fleet-stack";
import { spyAs } from "../../../testkit/stack/mosquitto-spy";
import { connectMqtt, controlClientId, controlCreds } from "../../../testkit/stack/mqtt";
import { until } from "../../../testkit/wait";

const cleanups = new Cleanups();
const stack = useFleetStack({ cleanups });

const secretRule = (tenant: Tenant, dst: string) =>
  tenant.caller.policy.create({
    orgSlug: tenant.slug,
    siteId: null,
    priority: 1,
    action: "deny",
    src: "10.0.0.0/8",
    dst,
    proto: "any",
  });

async function inSync(orgId: string, revision: number) {
  const rows = await devicesOf(orgId);
  return rows.length > 0 && rows.every((r) => r.reportedRevision === revision);
}

describe("cross-tenant reads on the broker", () => {
  it("gives a box of org A nothing of org B, whatever it subscribes to", async () => {
    const [orgA, orgB] = [await createTenant(), await createTenant()];
    const [a1] = await enrollBoxes(stack, orgA, 1, cleanups);
    const [b1] = await enrollBoxes(stack, orgB, 1, cleanups);
    const b = await startAgent(b1!, cleanups);
    // B's box runs a config with something secret in it, retained on its desired topic.
    const secret = await secretRule(orgB, "10.213.0.0/16");
    await until("B's box to run the secret rule", () => inSync(orgB.orgId, secret.revision));

    // A's box ran once, so its own topics hold retained messages too; then its agent stops
    // and the attacker uses its identity.
    const a = await startAgent(a1!, cleanups);
    await until("A's box to run its config", async () =>
      (await devicesOf(orgA.orgId)).every((r) => r.reportedRevision > 0),
    );
    await a.agent.stop();

    const control = await connectMqtt(
      stack.broker.controlUrl,
      stack.platform.caPem,
      controlCreds(stack.platform),
      { clientId: controlClientId() },
    );
    cleanups.add(() => control.endAsync(true));
    const bId = b1!.identity.identity;
    const result = await spyAs({
      url: stack.broker.url,
      stateDir: a1!.stateDir,
      filters: [
        "#",
        `${TOPIC_ROOT}/#`,
        `${TOPIC_ROOT}/+/desired`,
        `${TOPIC_ROOT}/+/+`,
        topics.desired(bId),
        topics.state(bId),
        topics.cert(bId),
        `$share/spy/${TOPIC_ROOT}/+/desired`,
      ],
      sentinel: "sentinel-for-a1",
      afterSubscribe: async () => {
        // Live traffic of org B while A listens: a new desired state for its box, and the
        // box's reports. Then the sentinel, on a topic A's box may read.
        const live = await secretRule(orgB, "10.214.0.0/16");
        await until("B's box to apply the live change", () => inSync(orgB.orgId, live.revision));
        await control.publishAsync(topics.desired(a1!.identity.identity), "sentinel-for-a1", {
          qos: 1,
        });
      },
    });
    expect(b.agent.snapshot().revision).toBeGreaterThan(secret.revision);
    const own = `${TOPIC_ROOT}/${a1!.identity.identity}/`;
    // It got its own retained desired state and the sentinel, and nothing else: no topic
    // of org B, no byte of org B's config.
    expect(result.topics, result.output).toContain(topics.desired(a1!.identity.identity));
    for (const topic of result.topics) expect(topic.startsWith(own), topic).toBe(true);
    for (const line of result.messages) {
      expect(line.startsWith(own), `${line}\n---\n${result.output}`).toBe(true);
      expect(line).not.toContain(orgB.orgId);
      expect(line).not.toMatch(/10\.21[34]\.0\.0/);
    }
  });
});
