// Certificate renewal over the channel: past 2/3 of its lifetime the agent makes a new
// key, sends a CSR on its csr topic, checks what comes back on its cert topic (key,
// name, CA signature), saves it and reconnects. A bad certificate is refused and the
// agent asks again.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../edge-agent/src/agent/agent";
import { SimulatedDriver } from "../../edge-agent/src/agent/drivers/simulated";
import { FileStore } from "../../edge-agent/src/agent/store";
import { plainTransport } from "../../edge-agent/src/agent/transport";
import { certMatchesKey, createDeviceKey } from "../../protocol/crypto/device-key";
import { newIdentity, TestControlPlane, waitFor } from "./lib/control";
import { Mosquitto } from "./lib/mosquitto";
import { createTestCa } from "./lib/pki";

let broker: Mosquitto;
let cp: TestControlPlane;
let dir: string;

beforeAll(async () => {
  broker = await Mosquitto.create();
  cp = await TestControlPlane.connect(broker.url);
  dir = await mkdtemp(join(tmpdir(), "patronus-renew-"));
});

afterAll(async () => {
  await cp?.close();
  await broker?.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe("certificate renewal", () => {
  it("renews at 2/3 of the lifetime, refusing a certificate from the wrong CA", async () => {
    const ids = newIdentity();
    const ca = await createTestCa();
    const rogue = await createTestCa("Rogue CA");
    const now = Date.now();
    const { keyPem, csrPem } = await createDeviceKey(ids.identity);
    // 10 minutes old, 1 minute left: well past 2/3 of its life.
    const certPem = await ca.issue(
      csrPem,
      ids.identity,
      new Date(now - 600_000),
      new Date(now + 60_000),
    );
    const store = new FileStore(dir);
    const credentials = { keyPem, certPem, caPem: ca.certPem, brokerCaPem: ca.certPem };
    await store.saveKey(keyPem);
    await store.saveEnrollment(credentials, { ...ids, mqttUrl: broker.url });

    const agent = new Agent({
      identity: { ...ids, mqttUrl: broker.url },
      credentials,
      driver: new SimulatedDriver(),
      store,
      transport: plainTransport(broker.url),
      renewal: { timeoutMs: 10_000, retry: { baseMs: 100, capMs: 300 } },
    });
    try {
      await agent.start();
      // First CSR: answered with a certificate signed by a CA outside the chain sent.
      const first = await waitFor("a CSR", () => cp.csrs.find((c) => c.identity === ids.identity));
      const notAfter = new Date(now + 86400_000);
      await cp.publishCert(ids.identity, {
        v: 1,
        certificate: await rogue.issue(first.csr, ids.identity, new Date(now - 1000), notAfter),
        caChain: ca.certPem,
        notAfter: notAfter.toISOString(),
      });
      // The agent refuses it and asks again with a fresh key.
      const second = await waitFor(
        "a second CSR",
        () => cp.csrs.filter((c) => c.identity === ids.identity)[1],
      );
      const issued = await ca.issue(second.csr, ids.identity, new Date(now - 1000), notAfter);
      await cp.publishCert(ids.identity, {
        v: 1,
        certificate: issued,
        caChain: ca.certPem,
        notAfter: notAfter.toISOString(),
      });
      await waitFor("the new certificate", () => agent.currentCredentials?.certPem === issued);
      const onDisk = await store.loadCredentials();
      expect(onDisk?.certPem).toBe(issued);
      expect(onDisk && certMatchesKey(onDisk.certPem, onDisk.keyPem)).toBe(true);
      expect(onDisk?.keyPem).not.toBe(keyPem);
      expect(await readFile(join(dir, "key.pem"), "utf8")).toBe(onDisk?.keyPem);
      // It reconnects with the new certificate; a graceful switch sends no last will.
      expect(await agent.whenConnected(10_000)).toBe(true);
      expect(cp.presence.get(ids.identity)).toBe(true);
      expect(cp.csrs.filter((c) => c.identity === ids.identity)).toHaveLength(2);
    } finally {
      await agent.stop();
      await cp.clearRetained(ids.identity);
    }
  });
});
