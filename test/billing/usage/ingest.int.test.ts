// Usage reports end to end on real parts: boxes enrolled through the enrollment endpoint
// publish `telemetry/usage` over mTLS to Mosquitto, and the ingest turns them into usage.
// A running simulated agent reports on its own; bad payloads are dropped with a log line
// without losing the rest of the batch; a box can add usage only to its own org.
import { describe, expect, it } from "vitest";
import { loadSimAgents, startSimFleet } from "../../../edge-agent/src/agent/sim-fleet";
import { EPOCH_JITTER_MS } from "../../../edge-agent/src/agent/usage";
import { DEMO_CLASSES } from "../../../edge-agent/src/agent/usage-classes";
import { topics, USAGE_TELEMETRY_KIND } from "../../../protocol";
import { Cleanups } from "../../../testkit/cleanups";
import { asBox } from "../../../testkit/factories/overlay-fleet";
import { createTenant, enrollBoxes } from "../../../testkit/factories/tenant";
import { stackWithControlPlane } from "../../../testkit/stack/control-plane";
import { publishOutcome } from "../../../testkit/stack/mqtt";
import { until } from "../../../testkit/wait";
import { classReport, classUsageOf, total, usageOf, usageReport } from "./lib";

const cleanups = new Cleanups();
const fleet = stackWithControlPlane(cleanups);

const usageTopic = (identity: string) => topics.telemetry(identity, USAGE_TELEMETRY_KIND);

async function tenantWithBox() {
  const tenant = await createTenant();
  const [box] = await enrollBoxes(fleet.stack, tenant, 1, cleanups);
  return { tenant, box: box as NonNullable<typeof box> };
}

describe("usage reports over the fleet channel", () => {
  it("a running simulated agent reports growing usage every heartbeat", async () => {
    const { tenant, box } = await tenantWithBox();
    const startedBefore = Date.now();
    const fleet = await startSimFleet({
      agents: await loadSimAgents([box.stateDir]),
      heartbeatSeconds: 1,
    });
    cleanups.add(() => fleet.stop());
    const first = await until("a first usage total", async () => {
      const u = await usageOf(tenant.orgId);
      return total(u.hours).rx > 0 && u;
    });
    const grown = await until("usage to grow", async () => {
      const u = await usageOf(tenant.orgId);
      return total(u.hours).rx > total(first.hours).rx && u;
    });
    expect(grown.cursors).toHaveLength(1);
    expect(grown.cursors[0]?.deviceId).toBe(box.identity.deviceId);
    // The run's epoch: its start, less up to a minute (so that runs never share one).
    expect(grown.cursors[0]?.epoch).toBeGreaterThan(startedBefore - EPOCH_JITTER_MS);
    await fleet.stop();
    // Once the last report is in, the hours add up to exactly where the counters stand.
    await until("the hours to match the device's counters", async () => {
      const u = await usageOf(tenant.orgId);
      const t = total(u.hours);
      return t.rx === u.cursors[0]?.rx && t.tx === u.cursors[0]?.tx;
    });
    // Its synthetic traffic by application class (a demo set: its config has none), never
    // more than its totals.
    const u = await usageOf(tenant.orgId);
    const classes = await classUsageOf(tenant.orgId);
    expect(Object.keys(classes).sort()).toEqual([...DEMO_CLASSES].sort());
    const sum = Object.values(classes).reduce((s, c) => ({ rx: s.rx + c.rx, tx: s.tx + c.tx }));
    expect(sum.rx).toBeLessThanOrEqual(total(u.hours).rx);
    expect(sum.tx).toBeLessThanOrEqual(total(u.hours).tx);
  });

  it("a bad `classes` costs the report its classes, never its totals", async () => {
    const { tenant, box } = await tenantWithBox();
    const c = await asBox(fleet.stack, box, cleanups);
    const id = box.identity.identity;
    const epoch = Date.now() - 60_000;
    const good = classReport(1000, 100, epoch, [["web", 10, 1]]);
    const bad = { ...good, metrics: { ...good.metrics, classes: [{ name: "web" }] } };
    await c.publishAsync(usageTopic(id), JSON.stringify(bad), { qos: 1 });
    await until("the report's totals", async () => total((await usageOf(tenant.orgId)).hours).rx);
    expect(total((await usageOf(tenant.orgId)).hours)).toEqual({ rx: 1000, tx: 100 });
    expect(await classUsageOf(tenant.orgId)).toEqual({});
    expect(fleet.cp.logs).toContainEqual(
      expect.objectContaining({ msg: "usage report's classes dropped" }),
    );
    await c.publishAsync(usageTopic(id), JSON.stringify(good), { qos: 1 });
    const classes = await until("the classes of the next report", async () => {
      const r = await classUsageOf(tenant.orgId);
      return r.web && r;
    });
    expect(classes).toEqual({ web: { rx: 10, tx: 1 } });
  });

  it("drops bad usage payloads with a log line; the batch and the good reports count", async () => {
    const { tenant, box } = await tenantWithBox();
    const c = await asBox(fleet.stack, box, cleanups);
    const id = box.identity.identity;
    const epoch = Date.now() - 60_000;
    const send = (payload: unknown) =>
      c.publishAsync(
        usageTopic(id),
        typeof payload === "string" ? payload : JSON.stringify(payload),
        { qos: 1 },
      );
    await send(usageReport(1000, 100, epoch));
    await until("the first report", async () => total((await usageOf(tenant.orgId)).hours).rx);
    const good = usageReport(1500, 300, epoch);
    const bad = [
      { ...good, metrics: { ...good.metrics, rx_bytes: "lots" } },
      { ...good, metrics: { ...good.metrics, tx_bytes: -5 } },
      { ...good, metrics: { ...good.metrics, epoch: 0 } },
      { ...good, metrics: { ...good.metrics, rx_bytes: 2 ** 60 } },
      "not json",
    ];
    for (const p of bad) await send(p);
    // A newer agent's fields are ignored, not refused; an org in the payload changes nothing.
    await send({ ...good, orgId: "someoneelse00", metrics: { ...good.metrics, dropped: 1 } });
    await c.publishAsync(topics.heartbeat(id), JSON.stringify(heartbeat()), { qos: 1 });
    await send(good);
    const u = await until("the good report", async () => {
      const r = await usageOf(tenant.orgId);
      return r.cursors[0]?.rx === 1500 && r;
    });
    expect(total(u.hours)).toEqual({ rx: 1500, tx: 300 });
    const refused = fleet.cp.logs.filter(
      (l) => l.msg === "refused a device message" && l.fields?.device === id,
    );
    expect(refused).toHaveLength(bad.length);
    for (const l of refused) expect(l.fields?.channel).toBe("telemetry/usage");
    expect(
      fleet.cp.logs.filter((l) => l.msg === "ignored fields this control plane does not know"),
    ).toEqual([
      expect.objectContaining({ fields: { device: id, channel: "telemetry", fields: ["orgId"] } }),
    ]);
  });

  it("a box cannot add usage to another org, whatever topic or payload it uses", async () => {
    const x = await tenantWithBox();
    const y = await tenantWithBox();
    const c = await asBox(fleet.stack, x.box, cleanups);
    const epoch = Date.now() - 60_000;
    const report = JSON.stringify(
      classReport(5_000_000, 5_000_000, epoch, [["web", 5_000_000, 5_000_000]]),
    );
    // On y's topic with x's certificate: Mosquitto's ACL acks and drops (MQTT 3.1.1).
    expect(await publishOutcome(c, usageTopic(y.box.identity.identity), report)).toBe("acked");
    // x's own report is x's usage, and the sentinel that the one before it was handled.
    await c.publishAsync(
      usageTopic(x.box.identity.identity),
      JSON.stringify(classReport(10, 20, epoch, [["voice", 4, 8]])),
      { qos: 1 },
    );
    const xs = await until("x's report", async () => {
      const r = await usageOf(x.tenant.orgId);
      return r.cursors.length > 0 && r;
    });
    expect(total(xs.hours)).toEqual({ rx: 10, tx: 20 });
    expect(await classUsageOf(x.tenant.orgId)).toEqual({ voice: { rx: 4, tx: 8 } });
    expect(await usageOf(y.tenant.orgId)).toEqual({ hours: [], cursors: [] });
    expect(await classUsageOf(y.tenant.orgId)).toEqual({});
  });
});

const heartbeat = () => ({
  v: 1,
  at: new Date().toISOString(),
  uptimeSeconds: 60,
  revision: 0,
  simulated: true,
});
