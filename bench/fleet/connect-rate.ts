// What one agent's connect costs the embedded broker: `npx tsx bench/fleet/connect-rate.ts
// [--devices 2000] [--concurrency 100] [--profile FILE]`.
//
// The broker runs in this process with a real platform root and an org intermediate; the
// devices (a P-256 key and a leaf each, issued as enrollment issues them) connect from a
// child process over mutual TLS, as an agent does: CONNECT with a last will, a retained
// presence, SUBSCRIBE to desired and cert, and the retained desired state back. Every
// device has a retained desired state waiting. Printed: connects per second, and the
// broker's CPU per connect (this process's CPU over the connects); with --profile a CPU
// profile of the broker while they connect. Nothing asserts on time.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import mqtt from "mqtt";
import { createDeviceKey } from "../../protocol/crypto/device-key";
import { topics } from "../../protocol/topics";
import { startEmbeddedBroker } from "../../server/domains/fleet/broker/embedded";
import { checkDeviceCsrFast } from "../../server/domains/fleet/pki/device-csr";
import { deviceLeafDer } from "../../server/domains/fleet/pki/device-leaf";
import { createOrgCa, platformRoot } from "../../server/domains/fleet/pki/intermediate";
import { pemOf, randomSerial } from "../../server/domains/fleet/pki/issue";
import { ensurePlatformPki } from "../../server/domains/fleet/pki/platform";
import { orgSigner } from "../../server/domains/fleet/pki/signer-cache";

const { values: args } = parseArgs({
  options: {
    devices: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "100" },
    profile: { type: "string" },
  },
});
const N = Number(args.devices);
const CONCURRENCY = Number(args.concurrency);
if (![N, CONCURRENCY].every((x) => Number.isInteger(x) && x > 0))
  throw new Error("--devices and --concurrency take positive integers");
const CHILD = fileURLToPath(new URL("./connect-rate-child.ts", import.meta.url));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "patronus-connect-rate-"));
  try {
    const master = randomBytes(32).toString("hex");
    const pki = await ensurePlatformPki(join(dir, "pki"), master);
    const orgId = "benchorg00000001";
    const ca = await createOrgCa(orgId, await platformRoot(pki, master), master);
    const signer = await orgSigner(orgId, ca.certPem, ca.keyEnc, master);
    const devices = [];
    for (let i = 0; i < N; i++) {
      const identity = `${orgId}.dev${String(i).padStart(8, "0")}`;
      const key = await createDeviceKey();
      const now = Date.now();
      const der = deviceLeafDer(signer, {
        csr: checkDeviceCsrFast(key.csrPem),
        orgId,
        identity,
        serial: randomSerial(),
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + 86_400_000),
      });
      // Presented as an agent does: the leaf and the org CA above it.
      devices.push({
        identity,
        key: key.keyPem,
        cert: `${pemOf("CERTIFICATE", der)}${ca.certPem}`,
      });
    }
    const broker = await startEmbeddedBroker({
      caBundle: pki.caPem,
      crlBundle: ca.crlPem,
      serverCertPem: pki.brokerCertPem,
      serverKeyPem: pki.brokerKeyPem,
    });
    // A retained desired state for every device, as a compile leaves them.
    const control = await mqtt.connectAsync(broker.url, {
      ca: pki.caPem,
      cert: pki.controlCertPem,
      key: pki.controlKeyPem,
      clientId: "patronus:control-plane:bench",
      protocolVersion: 4,
    });
    const desired = Buffer.alloc(600, 0x61);
    for (const d of devices)
      await control.publishAsync(topics.desired(d.identity), desired, { qos: 1, retain: true });

    const input = join(dir, "devices.json");
    writeFileSync(input, JSON.stringify({ url: broker.url, ca: pki.caPem, devices, CONCURRENCY }));
    const session = args.profile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
    }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, input], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (session) {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(args.profile as string, JSON.stringify(profile));
      session.disconnect();
    }
    if (code !== 0) throw new Error(`the connecting process failed (${code}): ${out}`);
    const result = JSON.parse(out) as {
      connected: number;
      seconds: number;
      p50: number;
      p99: number;
    };
    const brokerMs = (cpu.user + cpu.system) / 1000;
    console.log(
      `${result.connected} devices connected and got their desired state in ${result.seconds.toFixed(1)} s ` +
        `(${(result.connected / result.seconds).toFixed(0)}/s, ${CONCURRENCY} at a time; ` +
        `connect → desired p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms). ` +
        `Broker CPU ${(brokerMs / result.connected).toFixed(2)} ms per connect ` +
        `(${((brokerMs / 1000 / seconds) * 100).toFixed(0)} % of a core). Load ${loadavg()[0]?.toFixed(1)}.`,
    );
    await control.endAsync();
    await broker.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
