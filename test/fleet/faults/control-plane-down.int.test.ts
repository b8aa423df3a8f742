// The control plane (workers, ingest, control channel) down for a while, the broker and
// the boxes up: the data plane keeps running its config, intent changes made meanwhile are
// committed and their compile jobs wait in the queue, and once the control plane is back
// every change reaches every box, in increasing revisions, nothing lost.
import { describe, expect, it } from "vitest";
import { configHash } from "../../../protocol";
import { siteCompiler } from "../../../server/domains/fleet/compile/compile-device";
import { loadIntent } from "../../../server/domains/fleet/intent/load-intent";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { Cleanups } from "../../../testkit/cleanups";
import { devicesOf } from "../../../testkit/factories/fleet";
import {
  addRule,
  createTenant,
  enrollBoxes,
  fleetRevision,
} from "../../../testkit/factories/tenant";
import { converged, fleetState, isMonotonic, startAgent } from "../../../testkit/stack/agents";
import { compileJobOf, stackWithControlPlane } from "../../../testkit/stack/control-plane";
import { until } from "../../../testkit/wait";

const cleanups = new Cleanups();
const fleet = stackWithControlPlane(cleanups);

describe("control plane down for a while", () => {
  it("keeps the data plane, queues intent changes, and converges when back", async () => {
    const tenant = await createTenant();
    const boxes = await enrollBoxes(fleet.stack, tenant, 4, cleanups);
    const agents = await Promise.all(
      boxes.map((b, i) => startAgent(b, cleanups, i % 2 ? { applyDelayMs: 300 } : {})),
    );
    const first = await fleetRevision(tenant.orgId);
    await until("the first revision everywhere", () => converged(tenant.orgId, agents, first));
    const runningBefore = agents.map((a) => a.runningHash());

    cleanups.add(() => fleet.cp.up()); // also when the test fails while it is down
    await fleet.cp.down();
    const changes = [
      await addRule(tenant, 1),
      await addRule(tenant, 2),
      await tenant.caller.site.update({
        orgSlug: tenant.slug,
        siteId: tenant.siteId,
        settings: { wanAddress: "203.0.113.10", defaultAction: "deny" },
      }),
      await tenant.caller.site.createPortForward({
        orgSlug: tenant.slug,
        siteId: tenant.siteId,
        proto: "tcp",
        port: 8443,
        toAddr: "192.168.1.20",
        toPort: 443,
      }),
    ];
    // Committed and queued, not compiled: nothing has moved yet.
    const last = await fleetRevision(tenant.orgId);
    expect(last).toBe(first + changes.length);
    for (let revision = first + 1; revision <= last; revision++) {
      const job = await compileJobOf(tenant.orgId, revision);
      expect(await job?.getState(), `compile job of revision ${revision}`).toBe("waiting");
    }
    expect((await devicesOf(tenant.orgId)).map((r) => r.desiredRevision)).toEqual(
      boxes.map(() => first),
    );
    // A box rebooted meanwhile comes back on its last good config, from disk.
    await agents[0]!.agent.stop();
    agents[0] = await startAgent(boxes[0]!, cleanups);
    expect(agents[0].log.entries.map((e) => e.msg)).toContain("restored last good config");
    // The data plane stays as it was: every box still runs its config and is connected.
    expect(agents.map((a) => a.runningHash())).toEqual(runningBefore);
    expect(agents.every((a) => a.agent.connected)).toBe(true);

    // Back, and one more change at once, while the boxes are still catching up.
    await fleet.cp.up();
    const after = await addRule(tenant, 3);
    expect(after.revision).toBe(last + 1);
    await until(
      "every box to run the newest revision",
      () => converged(tenant.orgId, agents, after.revision),
      { seen: () => fleetState(tenant.orgId, agents) },
    );
    // Nothing lost: what runs is the compile of the whole current intent, all five changes.
    const intent = await withScope(getDb(), { orgId: tenant.orgId }, (tx) =>
      loadIntent(tx, tenant.orgId),
    );
    const expected = siteCompiler(intent)(tenant.siteId)!;
    expect(expected.rules).toHaveLength(3);
    expect(expected.defaultAction).toBe("deny");
    expect(expected.portForwards).toHaveLength(1);
    for (const a of agents) {
      expect(a.runningHash()).toBe(configHash(expected));
      expect(a.driver.current).toEqual(expected);
      expect(isMonotonic(a.appliedRevisions()), a.box.identity.identity).toBe(true);
      expect(a.appliedRevisions().at(-1)).toBe(after.revision);
    }
  });
});
