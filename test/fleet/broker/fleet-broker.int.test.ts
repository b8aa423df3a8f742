// workers/fleet-broker.ts as a real process, in both modes: a new org's CA becomes trusted
// and a revoked device is dropped once the change is announced on Redis.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../../server/domains/fleet/broker/mosquitto";
import { publishTrustChanged } from "../../../server/domains/fleet/broker/trust";
import { ensurePlatformPki } from "../../../server/domains/fleet/pki/platform";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { createRedis } from "../../../server/platform/redis";
import {
  createDeviceWithCert,
  createOrgWithCa,
  publishCa,
} from "../../../testkit/factories/fleet-db";
import { MASTER_KEY, revoke } from "../../../testkit/factories/pki";
import { run, stopProcess } from "../../../testkit/stack/logged-process";
import {
  closedByBroker,
  connectMqtt,
  controlClientId,
  controlCreds,
  refusal,
} from "../../../testkit/stack/mqtt";

const METRICS_TOKEN = "fleet-metrics-token-0123456789";

const cleanups: (() => Promise<unknown>)[] = [];
const clients: MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(mode: "embedded" | "mosquitto") {
  const pkiDir = await mkdtemp(join(tmpdir(), "patronus-fleet-pki-"));
  const mosquittoDir = await mkdtemp(join(tmpdir(), "patronus-fleet-mosquitto-"));
  cleanups.push(() => rm(pkiDir, { recursive: true, force: true }));
  cleanups.push(() => rm(mosquittoDir, { recursive: true, force: true }));
  const [devicePort, controlPort, metricsPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const env = {
    FLEET_BROKER: mode,
    FLEET_PKI_DIR: pkiDir,
    FLEET_MASTER_KEY: MASTER_KEY,
    FLEET_MOSQUITTO_DIR: mosquittoDir,
    FLEET_MQTT_URL: `mqtts://127.0.0.1:${mode === "embedded" ? devicePort : controlPort}`,
    FLEET_AGENT_MQTT_URL: `mqtts://127.0.0.1:${devicePort}`,
    METRICS_PORT_FLEET: String(metricsPort),
    METRICS_TOKEN: METRICS_TOKEN,
  };
  const worker = run("node_modules/.bin/tsx", ["workers/fleet-broker.ts"], env);
  cleanups.push(() => stopProcess(worker.child, worker.exited));
  await worker.waitFor((l) => l.msg === "fleet broker process ready", "ready");
  const pki = await ensurePlatformPki(pkiDir, MASTER_KEY);
  return {
    env,
    worker,
    pki,
    mosquittoDir,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    deviceUrl: env.FLEET_AGENT_MQTT_URL,
    controlUrl: env.FLEET_MQTT_URL,
  };
}

describe.each(["embedded", "mosquitto"] as const)(
  "the fleet process with FLEET_BROKER=%s",
  (mode) => {
    it("trusts a new org on announcement and drops a device on revocation; stops on SIGTERM", async () => {
      const { worker, pki, mosquittoDir, deviceUrl, controlUrl, metricsUrl } = await setup(mode);
      // The worker's SIGHUP is asynchronous: with Mosquitto, wait for its reload.
      let mosquittoReloaded: ((times: number) => Promise<unknown>) | undefined;
      if (mode === "mosquitto") {
        // The system service, played by a child process reading the directory the worker wrote.
        const mosquitto = run("mosquitto", ["-c", join(mosquittoDir, "mosquitto.conf")], {});
        cleanups.push(() => stopProcess(mosquitto.child, mosquitto.exited));
        await mosquitto.waitForText(" running"); // "mosquitto version x.y.z running"
        mosquittoReloaded = (times) => mosquitto.waitForText("Reloading config", times);
      }
      const redis = createRedis();
      cleanups.push(() => redis.quit());
      const org = await createOrgWithCa();
      const device = await createDeviceWithCert(org);
      const connectDevice = () =>
        connectMqtt(deviceUrl, pki.caPem, device, { clientId: device.identity });

      // Mosquitto names the reason in a TLS alert; Node's TLS server just closes.
      const refused = (alert: string) =>
        mode === "mosquitto" ? new RegExp(`alert ${alert}`) : /connection closed before CONNACK/;
      expect(await refusal(connectDevice())).toMatch(refused("unknown ca")); // not trusted yet
      await publishCa(org);
      await publishTrustChanged(redis, { orgId: org.orgId });
      await worker.waitFor(
        (l) => l.msg === "trust updated" && (l.orgs as string[]).includes(org.orgId),
        "trust updated",
      );
      await mosquittoReloaded?.(1);
      const conn = await connectDevice();
      clients.push(conn);
      const cp = await connectMqtt(controlUrl, pki.caPem, controlCreds(pki), {
        clientId: controlClientId(),
      });
      clients.push(cp);

      await revoke(org, device);
      await withRevokedRow(org.orgId, device.serial);
      await publishCa(org);
      await publishTrustChanged(redis, { orgId: org.orgId, revokedSerials: [device.serial] });
      await closedByBroker(conn);
      await mosquittoReloaded?.(2);
      expect(await refusal(connectDevice())).toMatch(refused("certificate revoked"));
      expect(cp.connected).toBe(true);

      // Its metrics endpoint (docs/observability.md): behind the token, no org's id.
      expect((await fetch(metricsUrl)).status).toBe(401);
      const scrape = await fetch(metricsUrl, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(scrape.status).toBe(200);
      const text = await scrape.text();
      expect(text).toMatch(/^patronus_process_cpu_user_seconds_total\{process="fleet-broker"\} /m);
      expect(text).not.toContain(org.orgId);
      if (mode === "embedded") {
        const value = (series: string) =>
          Number(
            text
              .split("\n")
              .find((l) => l.startsWith(`${series} `))
              ?.split(" ")[1] ?? Number.NaN,
          );
        expect(
          value('patronus_fleet_broker_rejections_total{reason="tls",process="fleet-broker"}'),
        ).toBeGreaterThanOrEqual(2);
        expect(
          value('patronus_fleet_broker_connects_total{process="fleet-broker"}'),
        ).toBeGreaterThanOrEqual(2);
        expect(
          value('patronus_fleet_broker_connections{process="fleet-broker"}'),
        ).toBeGreaterThanOrEqual(1);
      }

      expect(await stopProcess(worker.child, worker.exited)).toBe(0);
      expect(worker.logs().map((l) => l.msg)).toContain("shutting down");
      expect(worker.output()).not.toMatch(/PRIVATE KEY|v1\.[\w-]+\.[\w-]+\./);
    });

    it("serves a new org under the root with no new trust anchor", async () => {
      const { worker, pki, mosquittoDir, deviceUrl } = await setup(mode);
      const caFile = join(mosquittoDir, "ca.pem");
      const anchors = mode === "mosquitto" ? await readFile(caFile, "utf8") : undefined;
      const org = await createOrgWithCa(pki);
      await publishCa(org);
      const device = await createDeviceWithCert(org);
      const creds = { certPem: device.chainPem, keyPem: device.keyPem };
      const connectDevice = () =>
        connectMqtt(deviceUrl, pki.caPem, creds, { clientId: device.identity });
      if (mode === "mosquitto") {
        // Mosquitto wants the org's (empty) CRL: the announcement rewrites the CRL file
        // only, and a SIGHUP reloads it.
        const mosquitto = run("mosquitto", ["-c", join(mosquittoDir, "mosquitto.conf")], {});
        cleanups.push(() => stopProcess(mosquitto.child, mosquitto.exited));
        await mosquitto.waitForText(" running");
        const redis = createRedis();
        cleanups.push(() => redis.quit());
        await publishTrustChanged(redis, { orgId: org.orgId });
        await worker.waitFor((l) => l.msg === "trust updated", "trust updated");
        await mosquitto.waitForText("Reloading config", 1);
        expect(await readFile(caFile, "utf8")).toBe(anchors);
      }
      // The embedded broker was told nothing at all, and the device connects.
      clients.push(await connectDevice());
    });
  },
);

async function withRevokedRow(orgId: string, serial: string) {
  await withScope(getDb(), { orgId }, (tx) =>
    tx.deviceCertificate.updateMany({ where: { orgId, serial }, data: { revokedAt: new Date() } }),
  );
}
