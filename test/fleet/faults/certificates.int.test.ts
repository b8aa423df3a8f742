// Certificates the broker must refuse, for devices that really enrolled: revoked through
// the device API, expired after a real enrollment, and one for a real device's identity
// signed by a CA that is not its org's. The broker-level cases on hand-made certificates
// are in test/fleet/broker/auth.int.test.ts; that revocation disconnects a running agent
// is in test/fleet/rollout.int.test.ts. Here: the refusal the device's own key and
// certificate get, and that nothing else changes.
import { describe, expect, it } from "vitest";
import { topics } from "../../../protocol";
import { env } from "../../../server/platform/env";
import { Cleanups } from "../../../testkit/cleanups";
import { devicesOf } from "../../../testkit/factories/fleet";
import { makeDevice, makeOrgCa } from "../../../testkit/factories/pki";
import { type Box, createTenant, enrollBoxes } from "../../../testkit/factories/tenant";
import { startAgent } from "../../../testkit/stack/agents";
import { useFleetStack } from "../../../testkit/stack/fleet-stack";
import { type Creds, connectMqtt, deviceCreds, refusal } from "../../../testkit/stack/mqtt";
import { until } from "../../../testkit/wait";

const cleanups = new Cleanups();
const stack = useFleetStack({ cleanups });

const connectAs = (box: Box, creds: Creds = deviceCreds(box.credentials)) =>
  connectMqtt(stack.broker.url, stack.platform.caPem, creds, { clientId: box.identity.identity });

describe("certificates the broker refuses", () => {
  it("refuses a device revoked through the API; the box keeps running its config", async () => {
    const tenant = await createTenant();
    const [victim, sibling] = await enrollBoxes(stack, tenant, 2, cleanups);
    const a = await startAgent(victim!, cleanups);
    const b = await startAgent(sibling!, cleanups);
    await until("both boxes to run their config", async () =>
      (await devicesOf(tenant.orgId)).every(
        (r) => r.reportedRevision > 0 && r.reportedHash === r.desiredHash,
      ),
    );
    const running = a.runningHash();

    await tenant.caller.device.revoke({
      orgSlug: tenant.slug,
      deviceId: victim!.identity.deviceId,
    });
    await until("the broker to drop the revoked box", () => !a.agent.connected);
    // Its own key and certificate, from its state directory, are refused at the handshake.
    expect(await refusal(connectAs(victim!))).toMatch(/alert certificate revoked/);
    // The data plane stays as it was; the sibling is untouched.
    expect(a.runningHash()).toBe(running);
    expect(b.agent.connected).toBe(true);
    const rows = await devicesOf(tenant.orgId);
    expect(rows.find((r) => r.id === victim!.identity.deviceId)?.status).toBe("revoked");
    expect(rows.find((r) => r.id === sibling!.identity.deviceId)?.status).toBe("active");
  });

  it("refuses a certificate that has expired since enrollment", async () => {
    const tenant = await createTenant();
    const hours = env.FLEET_DEVICE_CERT_HOURS;
    let box: Box | undefined;
    try {
      // Test-only: the configuration is plain data (as in lib/stack.ts); a 2-second life.
      Object.assign(env, { FLEET_DEVICE_CERT_HOURS: 2 / 3600 });
      [box] = await enrollBoxes(stack, tenant, 1, cleanups);
    } finally {
      Object.assign(env, { FLEET_DEVICE_CERT_HOURS: hours });
    }
    const [row] = await devicesOf(tenant.orgId);
    const notAfter = row!.certNotAfter!.getTime();
    await until("the certificate's end of life", () => Date.now() > notAfter + 1000);
    expect(await refusal(connectAs(box!))).toMatch(/alert certificate expired/);
    expect((await devicesOf(tenant.orgId))[0]).toMatchObject({ status: "active", online: false });
  });

  it("refuses a real device's identity signed by a CA that is not its org's", async () => {
    const tenant = await createTenant();
    const [box] = await enrollBoxes(stack, tenant, 1, cleanups);
    // The broker learns of the org's new CA asynchronously (a trust change over Redis, then
    // a reload): until the genuine certificate connects, any certificate of the org would
    // be an unknown CA, and the refusal below would prove nothing.
    const first = await until("the broker to trust the org's CA", () =>
      connectAs(box!).catch(() => undefined),
    );
    await first.endAsync(true);
    // A CA that names itself after the org, as the org's own does, but is not in the trust.
    const impostor = await makeOrgCa(tenant.orgId);
    const forged = await makeDevice(impostor, { deviceId: box!.identity.deviceId });
    expect(forged.identity).toBe(box!.identity.identity);
    expect(await refusal(connectAs(box!, forged))).toMatch(/alert unknown ca/);
    // The genuine certificate still works.
    const genuine = await connectAs(box!);
    cleanups.add(() => genuine.endAsync(true));
    expect(genuine.connected).toBe(true);
    const granted = await genuine.subscribeAsync(topics.desired(box!.identity.identity), {
      qos: 1,
    });
    expect(granted[0]?.qos).toBe(1);
  });
});
