// Presence and telemetry: heartbeats keep a device online, telemetry lands as the latest
// value per device and kind, and a device that went silent without a last will (its broker
// died) is marked offline by the sweep, then online again by its next heartbeat.
import { afterAll, expect, it } from "vitest";
import { ZTelemetry } from "../../protocol";
import { telemetryKey } from "../../server/domains/fleet/channel/core-channels";
import { markSilentDevicesOffline } from "../../server/domains/fleet/channel/presence-sweep";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { getRedis } from "../../server/platform/redis";
import {
  converged,
  createSiteWithToken,
  devicesOf,
  type EnrolledFleet,
  enrollFleet,
  until,
} from "../../testkit/factories/fleet";
import { createOrgWithOwner } from "../../testkit/factories/identity";
import { useFleetStack } from "../../testkit/stack/fleet-stack";

const stack = useFleetStack();
let fleet: EnrolledFleet | undefined;

afterAll(async () => {
  await fleet?.stop();
});

it("records telemetry and heartbeats, and the sweep marks silent devices offline", async () => {
  const org = await createOrgWithOwner();
  const { token } = await createSiteWithToken(org, "Telemetry", 1);
  fleet = await enrollFleet(stack.portalUrl, token.token, 1);
  await until("the device to converge", () => converged(org.org.id));
  const [device] = await devicesOf(org.org.id);

  // The agent sends its counters with every heartbeat; wait for one sent after the apply.
  const telemetry = await until("the agent's telemetry after its first apply", async () => {
    const raw = await getRedis().get(telemetryKey(org.org.id, device!.id, "agent"));
    const t = raw ? ZTelemetry.parse(JSON.parse(raw)) : undefined;
    return t?.metrics.applies_total === 1 && t;
  });
  expect(telemetry.metrics).toMatchObject({ apply_failures_total: 0, reconnects_total: 0 });

  // As if the broker had died: the row still says online, but nothing was heard for long.
  await withScope(getDb(), { orgId: org.org.id }, (tx) =>
    tx.device.update({
      where: { id: device!.id, orgId: org.org.id },
      data: { lastSeenAt: new Date(Date.now() - 10 * 60_000) },
    }),
  );
  expect(await markSilentDevicesOffline(getDb())).toBeGreaterThanOrEqual(1);
  // The agent keeps running: on a busy machine its next heartbeat may already have landed
  // (and set it online again). Unless one did, the sweep's mark must be what the row says.
  const swept = (await devicesOf(org.org.id))[0]!;
  if (swept.lastSeenAt && swept.lastSeenAt.getTime() < Date.now() - 5 * 60_000)
    expect(swept.online).toBe(false);
  await until(
    "the next heartbeat to bring it back online",
    async () => (await devicesOf(org.org.id))[0]?.online,
  );
});
