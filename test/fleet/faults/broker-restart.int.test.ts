// Mosquitto restarted while a rollout's acks are still arriving: the control channel, the
// ingest and every agent reconnect on their own, and the fleet converges on the new
// revision with nothing lost: every device row in sync, the rollout completed, every
// agent's data plane running exactly the desired config.
//
// What repairs the acks that had no listener while the control plane reconnected: agents
// publish their state retained, and Mosquitto 2.0 sends retained messages on a shared
// subscription too, so the ingest reads every device's latest state when it resubscribes.
import { describe, expect, it } from "vitest";
import { Cleanups } from "../../../testkit/cleanups";
import { devicesOf, rolloutsOf } from "../../../testkit/factories/fleet";
import {
  addRule,
  createTenant,
  enrollBoxes,
  fleetRevision,
} from "../../../testkit/factories/tenant";
import { converged, fleetState, isMonotonic, startAgent } from "../../../testkit/stack/agents";
import { useFleetStack } from "../../../testkit/stack/fleet-stack";
import { until } from "../../../testkit/wait";

const cleanups = new Cleanups();
const stack = useFleetStack({ cleanups });

describe("broker restart mid-rollout", () => {
  it("converges on the new revision once Mosquitto is back", async () => {
    const tenant = await createTenant();
    const boxes = await enrollBoxes(stack, tenant, 6, cleanups);
    // Half the boxes are slow to apply, so acks keep arriving while the broker goes away.
    const agents = await Promise.all(
      boxes.map((b, i) => startAgent(b, cleanups, i % 2 ? { applyDelayMs: 1500 } : {})),
    );
    const seen = () => fleetState(tenant.orgId, agents);
    const first = await fleetRevision(tenant.orgId);
    await until("the fleet to run the first revision", () =>
      converged(tenant.orgId, agents, first),
    );

    const { revision } = await addRule(tenant, 1);
    const rollout = async () =>
      (await rolloutsOf(tenant.orgId)).find((r) => r.revision === revision);
    // Mid-rollout: past the canary, some devices have acked and some have not.
    await until(
      "a rollout with some acks in and some outstanding",
      async () => {
        const acks = (await devicesOf(tenant.orgId)).filter(
          (r) => r.reportedRevision === revision,
        ).length;
        return (await rollout())?.status === "rolling" && acks > 0 && acks < agents.length;
      },
      { everyMs: 10, seen },
    );
    await stack.broker.mosquitto!.restart();

    await until(
      "every device to converge after the restart",
      () => converged(tenant.orgId, agents, revision),
      { seen },
    );
    await until("the rollout to complete", async () => (await rollout())?.status === "completed", {
      seen,
    });
    expect(await rollout()).toMatchObject({ succeeded: agents.length, failed: 0 });
    for (const a of agents) {
      const id = a.box.identity.identity;
      // Every agent lost the broker; none went back a revision or ended elsewhere.
      expect(a.agent.snapshot().reconnectsTotal, id).toBeGreaterThanOrEqual(1);
      expect(isMonotonic(a.appliedRevisions()), id).toBe(true);
      expect(a.appliedRevisions().at(-1), id).toBe(revision);
    }
  });
});
