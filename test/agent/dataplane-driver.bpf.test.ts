// The real driver end to end (root): an Agent with the DataplaneDriver on a router
// namespace, desired states from a test control plane over Mosquitto, and traffic
// between a client and a LAN server through the eBPF pipeline. A deny rule in a
// DesiredState blocks ping and TCP; the next revision without it lets them through.

import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectMany, Netns, startServer } from "../../bpf/tests/lib/netns";
import { Agent } from "../../edge-agent/src/agent/agent";
import { DataplaneDriver } from "../../edge-agent/src/agent/drivers/dataplane";
import { AgentMetrics } from "../../edge-agent/src/agent/metrics";
import { MemoryStore } from "../../edge-agent/src/agent/store";
import { plainTransport } from "../../edge-agent/src/agent/transport";
import { DATAPLANE_TELEMETRY_KIND, type DeviceConfig, topics } from "../../protocol";
import { rootSkipReason } from "../../testkit/skip";
import { until } from "../../testkit/wait";
import { desired, deviceConfig, newIdentity, TestControlPlane } from "./lib/control";
import { Mosquitto } from "./lib/mosquitto";

const BUILD = join(import.meta.dirname, "..", "..", "bpf", "build");
const runnable = rootSkipReason({ bpf: true }) === null;

const net = new Netns();
const ns = { c: net.name("c"), r: net.name("r"), s: net.name("s") };
const pinDir = `/sys/fs/bpf/patronus-agent-test-${randomBytes(4).toString("hex")}`;
const ids = newIdentity();
let broker: Mosquitto;
let cp: TestControlPlane;
let driver: DataplaneDriver;
let agent: Agent;
let revision = 0;

const base = (over: Partial<DeviceConfig> = {}) =>
  deviceConfig({
    interfaces: { wan: "wan0", lan: "lan0", wanAddress: "10.77.0.1", wanIngress: "tc" },
    defaultAction: "allow",
    rules: [],
    ...over,
  });
const DENY_CLIENTS: DeviceConfig["rules"][number] = {
  id: 1,
  src: "10.77.0.0/24",
  dst: "192.168.77.0/24",
  proto: "any",
  action: "deny",
};

async function push(config: DeviceConfig, want = "applied") {
  revision++;
  await cp.publishDesired(ids.identity, desired(ids.deviceId, revision, config));
  return cp.waitState(
    ids.identity,
    (s) => s.status === want && (s.attempted ?? s.revision) === revision,
  );
}

const ping = (to: string) =>
  net.exec(ns.c, "ping", ["-c", "1", "-W", "1", to]).then(
    () => true,
    () => false,
  );
const tcp = async (host: string, port: number) =>
  (await connectMany(net, ns.c, host, port, 1, 800))[0];

describe.skipIf(!runnable)("DataplaneDriver in network namespaces", () => {
  beforeAll(async () => {
    for (const short of ["c", "r", "s"]) await net.add(short);
    await net.link([ns.c, "wan0", "10.77.0.2/24"], [ns.r, "wan0", "10.77.0.1/24"]);
    await net.link([ns.r, "lan0", "192.168.77.1/24"], [ns.s, "lan0", "192.168.77.2/24"]);
    await net.exec(ns.c, "ip", ["route", "add", "192.168.77.0/24", "via", "10.77.0.1"]);
    await net.exec(ns.s, "ip", ["route", "add", "default", "via", "192.168.77.1"]);
    await net.exec(ns.r, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
    await startServer(net, ns.s, [80, 81]);

    broker = await Mosquitto.create();
    cp = await TestControlPlane.connect(broker.url);
    driver = new DataplaneDriver({
      loaderPath: join(BUILD, "patronus-loader"),
      bpfObject: join(BUILD, "patronus.bpf.o"),
      pinDir,
      netns: ns.r,
      reapIntervalMs: 0,
    });
    await driver.start();
    agent = new Agent({
      identity: { ...ids, mqttUrl: broker.url },
      driver,
      store: new MemoryStore(),
      transport: plainTransport(broker.url),
      heartbeatSeconds: 1, // telemetry/dataplane once a second
    });
    await agent.start();
    expect(await agent.whenConnected(10_000)).toBe(true);
  });

  afterAll(async () => {
    await agent?.stop();
    await driver?.close();
    await cp?.clearRetained(ids.identity);
    await cp?.close();
    await broker?.destroy();
    await net.destroy(); // removes the veths and with them the attached programs
    if (existsSync(pinDir)) rmSync(pinDir, { recursive: true, force: true });
  });

  it("a deny rule from a desired state blocks ping and TCP; the next revision allows again", async () => {
    await push(base());
    expect(await ping("192.168.77.2")).toBe(true);
    expect(await tcp("192.168.77.2", 80)).toMatch(/^192\.168\.77\.2:80 10\.77\.0\.2:\d+$/);

    await push(base({ rules: [DENY_CLIENTS] }));
    expect(await ping("192.168.77.2")).toBe(false);
    expect(await tcp("192.168.77.2", 80)).toBe("timeout");

    await push(base());
    expect(await ping("192.168.77.2")).toBe(true);
    expect(await tcp("192.168.77.2", 80)).toMatch(/^192\.168\.77\.2:80 /);
  });

  it("counts the WAN bytes it passes per app id, as the usage report reads them", async () => {
    await push(base());
    const before = (await driver.appCounters()).get(0) ?? { rx: 0n, tx: 0n };
    // A TCP exchange from the WAN side to the LAN server: no application classes, so its
    // packets in from the WAN are counted under app 0 (unclassified).
    expect(await tcp("192.168.77.2", 80)).toMatch(/^192\.168\.77\.2:80 /);
    const after = (await driver.appCounters()).get(0) ?? { rx: 0n, tx: 0n };
    expect(after.rx).toBeGreaterThan(before.rx);
  });

  it("counts the drops by reason that the agent's metrics show", async () => {
    const metrics = new AgentMetrics({ agent, driver });
    const drops = async () => (await driver.counters())?.reasons.policy_deny ?? Number.NaN;
    await push(base({ rules: [DENY_CLIENTS] }));
    const before = await drops();
    expect(await ping("192.168.77.2")).toBe(false);
    expect(await drops()).toBeGreaterThan(before);
    const text = await metrics.text();
    expect(text).toMatch(
      /^patronus_agent_dataplane_packets_total\{reason="policy_deny",verdict="drop"\} [1-9]\d*$/m,
    );
    expect(text).toContain('patronus_agent_metrics_source_up{source="dataplane"} 1');
    metrics.close();
    await push(base());
  });

  it("reports packet and drop rates on telemetry/dataplane once per heartbeat", async () => {
    const reports: Record<string, number>[] = [];
    const sub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    sub.on("message", (_t, payload) => reports.push(JSON.parse(payload.toString()).metrics));
    await sub.subscribeAsync(topics.telemetry(ids.identity, DATAPLANE_TELEMETRY_KIND));
    try {
      // Denied pings until a report shows them as policy_deny drops.
      await push(base({ rules: [DENY_CLIENTS] }));
      await until(
        "a report with policy_deny drops",
        async () => {
          await ping("192.168.77.2");
          return reports.some((m) => (m["drops_per_second.policy_deny"] ?? 0) > 0);
        },
        { timeoutMs: 30_000 },
      );
      // Allowed TCP until a report shows packets in from the WAN and out to it.
      await push(base());
      await until(
        "a report with packets both ways",
        async () => {
          expect(await tcp("192.168.77.2", 80)).toMatch(/^192\.168\.77\.2:80 /);
          return reports.some(
            (m) => (m.rx_packets_per_second ?? 0) > 0 && (m.tx_packets_per_second ?? 0) > 0,
          );
        },
        { timeoutMs: 30_000 },
      );
      // Every name is one the control plane reads (protocol/dataplane-telemetry.ts).
      for (const m of reports)
        for (const name of Object.keys(m))
          expect(name).toMatch(
            /^(rx|tx)_packets_per_second$|^drops_per_second\.[a-z0-9_]+_(drop|deny)$/,
          );
    } finally {
      await sub.endAsync();
    }
  });

  it("port forwards come and go with the config", async () => {
    const forward = base({
      portForwards: [{ id: 1, proto: "tcp", port: 8080, to: "192.168.77.2", toPort: 80 }],
    });
    await push(forward);
    expect(await tcp("10.77.0.1", 8080)).toMatch(/^192\.168\.77\.2:80 10\.77\.0\.2:\d+$/);
    await push(base());
    expect(await tcp("10.77.0.1", 8080)).not.toMatch(/^192\.168\.77\.2/);
  });

  it("load-balanced services come, change backends (rings restaged) and go", async () => {
    const lb = (ports: number[]) =>
      base({
        services: [
          {
            id: 1,
            vip: "10.77.0.1",
            port: 9000,
            proto: "tcp",
            backends: ports.map((port) => ({ addr: "192.168.77.2", port })),
          },
        ],
      });
    await push(lb([80, 81]));
    const both = await connectMany(net, ns.c, "10.77.0.1", 9000, 24, 800);
    const ports = new Set(both.map((r) => r.split(" ")[0]));
    expect(ports).toEqual(new Set(["192.168.77.2:80", "192.168.77.2:81"]));
    await push(lb([81])); // a new ring in the other pool region, verified by the driver
    for (const r of await connectMany(net, ns.c, "10.77.0.1", 9000, 8, 800))
      expect(r).toMatch(/^192\.168\.77\.2:81 10\.77\.0\.2:\d+$/);
    await push(base());
    expect(await tcp("10.77.0.1", 9000)).not.toMatch(/^192\.168\.77\.2/);
  });

  it("a config that cannot be applied is rolled back and traffic keeps the last good rules", async () => {
    await push(base({ rules: [DENY_CLIENTS] }));
    expect(await ping("192.168.77.2")).toBe(false);
    const s = await push(
      base({ interfaces: { wan: "nosuch0", lan: "lan0", wanIngress: "tc" } }),
      "rolled_back",
    );
    expect(s.revision).toBe(revision - 1);
    expect(s.error).toMatch(/nosuch0/);
    expect(await ping("192.168.77.2")).toBe(false); // still the deny of the last good
    await push(base());
    expect(await ping("192.168.77.2")).toBe(true);
  });
});
