// Two boxes with one certificate and key (a cloned disk image, a copied state directory):
// the broker keeps one session per client id, so each connection takes the other's over,
// again and again. The control plane must say so on the device (issue 20, item 4), with
// both addresses, rather than show the device in sync while the two flap silently.
// Failed on the code before it: no alert, nothing in the portal.
import { cp } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { Agent } from "../../../edge-agent/src/agent/agent";
import { SimulatedDriver } from "../../../edge-agent/src/agent/drivers/simulated";
import { FileStore } from "../../../edge-agent/src/agent/store";
import { mtlsTransport, type Transport } from "../../../edge-agent/src/agent/transport";
import { Cleanups } from "../../../testkit/cleanups";
import { devicesOf } from "../../../testkit/factories/fleet";
import { type Box, createTenant, enrollBoxes, tempDir } from "../../../testkit/factories/tenant";
import { RecordingLogger } from "../../../testkit/stack/agents";
import { useFleetStack } from "../../../testkit/stack/fleet-stack";
import { until } from "../../../testkit/wait";

const cleanups = new Cleanups();
const stack = useFleetStack({ cleanups });
afterAll(() => cleanups.run());

/** The box's agent, leaving from `localAddress` (two boxes, two addresses). */
async function runFrom(box: Box, stateDir: string, localAddress: string) {
  const tls = mtlsTransport();
  const transport: Transport = (identity, credentials) => {
    const t = tls(identity, credentials);
    return { url: t.url, options: { ...t.options, localAddress } };
  };
  const agent = new Agent({
    identity: box.identity,
    credentials: box.credentials,
    driver: new SimulatedDriver(),
    store: new FileStore(stateDir),
    log: new RecordingLogger(),
    heartbeatSeconds: 5,
    backoff: { baseMs: 100, capMs: 1000 },
    renewal: false,
    transport,
  });
  cleanups.add(() => agent.stop());
  await agent.start();
  return agent;
}

describe("a cloned identity", () => {
  it("raises an alert on the device with both addresses", async () => {
    const tenant = await createTenant();
    const [box] = await enrollBoxes(stack, tenant, 1, cleanups);
    const cloneDir = await tempDir(cleanups, "patronus-clone-");
    await cp(box!.stateDir, cloneDir, { recursive: true });

    const first = await runFrom(box!, box!.stateDir, "127.0.0.2");
    expect(await first.whenConnected(15_000)).toBe(true);
    await until("the first box's session to be recorded", async () => {
      const d = (await devicesOf(tenant.orgId))[0];
      return d?.sessionAddress === "127.0.0.2";
    });
    await runFrom(box!, cloneDir, "127.0.0.3");

    const view = await until("the device to carry a cloned-identity alert", async () => {
      const d = await tenant.caller.device.get({
        orgSlug: tenant.slug,
        deviceId: box!.identity.deviceId,
      });
      return d.alerts.some((a) => a.kind === "cloned_identity") && d;
    });
    const alert = view.alerts.find((a) => a.kind === "cloned_identity")!;
    expect(new Set(alert.addresses)).toEqual(new Set(["127.0.0.2", "127.0.0.3"]));

    // Another org's members see nothing of it.
    const other = await createTenant();
    await expect(
      other.caller.device.get({ orgSlug: other.slug, deviceId: box!.identity.deviceId }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      other.caller.device.dismissAlert({
        orgSlug: other.slug,
        deviceId: box!.identity.deviceId,
        kind: "cloned_identity",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });

    // The operator revokes the identity: both boxes are shut out, and the alert can go.
    await tenant.caller.device.revoke({ orgSlug: tenant.slug, deviceId: box!.identity.deviceId });
    await tenant.caller.device.dismissAlert({
      orgSlug: tenant.slug,
      deviceId: box!.identity.deviceId,
      kind: "cloned_identity",
    });
    const after = await tenant.caller.device.get({
      orgSlug: tenant.slug,
      deviceId: box!.identity.deviceId,
    });
    expect(after).toMatchObject({ status: "revoked", alerts: [] });
  }, 120_000);

  it("is not raised for a box that restarts", async () => {
    const tenant = await createTenant();
    const [box] = await enrollBoxes(stack, tenant, 1, cleanups);
    let last: string | null = null;
    for (let i = 0; i < 3; i++) {
      const agent = await runFrom(box!, box!.stateDir, "127.0.0.2");
      expect(await agent.whenConnected(15_000)).toBe(true);
      const row = await until(`session ${i} to be recorded`, async () => {
        const d = (await devicesOf(tenant.orgId))[0];
        return !!d?.session && d.session !== last && d.online && d;
      });
      expect(row.sessionAddress).toBe("127.0.0.2");
      last = row.session;
      await agent.stop();
      await until("the box to be offline", async () => !(await devicesOf(tenant.orgId))[0]?.online);
    }
    const d = await tenant.caller.device.get({
      orgSlug: tenant.slug,
      deviceId: box!.identity.deviceId,
    });
    expect(d.alerts).toEqual([]);
  }, 120_000);
});
