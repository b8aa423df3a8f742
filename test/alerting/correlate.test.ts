// Correlation is pure: conditions and a topology in, incidents with their root cause out.
import { describe, expect, it } from "vitest";
import { applyRules, type Condition } from "../../server/domains/alerting/engine/apply-rules";
import { correlate, type Topology } from "../../server/domains/alerting/engine/correlate";
import type { Signal } from "../../server/domains/alerting/engine/signals";
import type { Rule } from "../../server/domains/alerting/rules/catalog";

// Two sites, two links each (the overlay test bed's shape): paths are link pairs.
const topo = (over: Partial<Topology> = {}): Topology => ({
  sites: new Map([
    ["A", { name: "Head office" }],
    ["B", { name: "Branch" }],
  ]),
  links: new Map([
    ["a0", { siteId: "A", name: "fiber", kind: "fiber" }],
    ["a1", { siteId: "A", name: "lte", kind: "lte" }],
    ["b0", { siteId: "B", name: "fiber", kind: "fiber" }],
    ["b1", { siteId: "B", name: "dsl", kind: "broadband" }],
  ]),
  devices: new Map([
    ["dA", { siteId: "A", hostname: "edge-a" }],
    ["dB", { siteId: "B", hostname: "edge-b" }],
  ]),
  paths: new Set(["a0~b0", "a0~b1", "a1~b0", "a1~b1"]),
  failovers: [],
  ...over,
});

const at = new Date("2026-12-07T10:00:00Z");
let n = 0;
function cond(c: Partial<Condition> & Pick<Condition, "kind">): Condition {
  n++;
  return {
    objectKey: `o${n}`,
    objectType: "path",
    objectId: `o${n}`,
    objectName: `object ${n}`,
    siteId: null,
    tags: [],
    since: at,
    summary: `summary ${n}`,
    key: `${c.kind}:o${n}`,
    ruleId: "r",
    severity: "major",
    ...c,
  };
}
const pathDown = (device: "dA" | "dB", pathId: string) =>
  cond({
    kind: "path_down",
    deviceId: device,
    pathId,
    siteId: device === "dA" ? "A" : "B",
    objectName: `${pathId} (${device})`,
    key: `path_down:${device}:${pathId}`,
  });

describe("correlation", () => {
  it("names the WAN link whose every path is down, seen from both ends, as one incident", () => {
    const conditions = [
      pathDown("dA", "a0~b0"),
      pathDown("dA", "a0~b1"),
      pathDown("dB", "a0~b0"),
      pathDown("dB", "a0~b1"),
    ];
    const failovers = [
      { deviceId: "dA", unit: "class:1", fromPath: "a0~b0", at },
      { deviceId: "dA", unit: "class:2", fromPath: "a0~b0", at },
      { deviceId: "dB", unit: "class:1", fromPath: "a0~b1", at },
    ];
    const groups = correlate(conditions, topo({ failovers }));
    expect(groups).toHaveLength(1);
    const [g] = groups;
    expect(g?.key).toBe("site:A");
    expect(g?.conditions).toHaveLength(4);
    expect(g?.title).toBe("Head office: WAN link fiber down");
    expect(g?.rootCause).toBe(
      "WAN link fiber (fiber) at Head office is down: all 2 of its paths stopped answering probes; 3 traffic classes moved to other paths",
    );
  });

  it("puts the remote site's paths under the site whose device is offline", () => {
    const offline = cond({
      kind: "device_offline",
      objectType: "device",
      objectName: "edge-b",
      siteId: "B",
      deviceId: "dB",
      key: "device_offline:dB",
    });
    const groups = correlate([offline, pathDown("dA", "a0~b0"), pathDown("dA", "a1~b1")], topo());
    expect(groups.map((g) => g.key)).toEqual(["site:B"]);
    expect(groups[0]?.rootCause).toBe(
      "edge-b at Branch is not connected to the control plane; the other sites see 2 paths to it down",
    );
  });

  it("keeps a lone path down at the site that reports it when no link is down", () => {
    const groups = correlate([pathDown("dA", "a0~b0")], topo());
    expect(groups).toHaveLength(1);
    expect(groups[0]?.key).toBe("site:A");
    expect(groups[0]?.title).toBe("Head office: 1 path down");
  });

  it("keeps an SLA miss on a healthy path at its own site, and one on a down path with that path", () => {
    const sla = (pathId: string) =>
      cond({
        kind: "sla_violation",
        deviceId: "dB",
        siteId: "B",
        pathId,
        unitName: "voice",
        severity: "minor",
      });
    const alone = correlate([sla("a1~b1")], topo());
    expect(alone.map((g) => [g.key, g.severity, g.title])).toEqual([
      ["site:B", "minor", "Branch: voice out of SLA"],
    ]);
    const downs = ["a0~b0", "a0~b1"].flatMap((p) => [pathDown("dA", p), pathDown("dB", p)]);
    const withLink = correlate([...downs, sla("a0~b1")], topo());
    expect(withLink.map((g) => g.key)).toEqual(["site:A"]);
    expect(withLink[0]?.severity).toBe("major");
  });

  it("gives rollouts, config failures, certificates, quota and billing incidents of their own", () => {
    const groups = correlate(
      [
        cond({ kind: "rollout_halted", objectId: "r1", objectName: "revision 7" }),
        cond({ kind: "config_failed", objectName: "edge-a", siteId: "A" }),
        cond({ kind: "config_failed", objectName: "edge-b", siteId: "B" }),
        cond({ kind: "cert_expiry", objectId: "dA", objectName: "edge-a", siteId: "A" }),
        cond({ kind: "quota", objectId: "sites", objectName: "sites" }),
        cond({ kind: "billing_grace" }),
      ],
      topo(),
    );
    expect(groups.map((g) => g.key).sort()).toEqual(
      ["billing_grace", "cert:dA", "config", "quota:sites", "rollout:r1"].sort(),
    );
    expect(groups.find((g) => g.key === "config")?.title).toBe("Configuration failed on 2 devices");
  });
});

describe("rules", () => {
  const rule = (r: Partial<Rule> & Pick<Rule, "kind">): Rule => ({
    id: `rule-${r.kind}-${r.severity ?? "major"}`,
    name: r.kind,
    severity: "major",
    forSeconds: 0,
    siteIds: [],
    tags: [],
    params: {},
    ...r,
  });
  const signal = (s: Partial<Signal> & Pick<Signal, "kind">): Signal => ({
    objectKey: "x",
    objectType: "device",
    objectId: "x",
    objectName: "x",
    siteId: "A",
    tags: ["core"],
    since: new Date(at.getTime() - 90_000),
    summary: "x",
    ...s,
  });

  it("fire only after forSeconds, in scope, under the most severe matching rule", () => {
    const s = signal({ kind: "device_offline" });
    expect(applyRules([rule({ kind: "device_offline", forSeconds: 120 })], [s], at)).toEqual([]);
    expect(applyRules([rule({ kind: "device_offline", forSeconds: 60 })], [s], at)).toHaveLength(1);
    expect(applyRules([rule({ kind: "device_offline", siteIds: ["B"] })], [s], at)).toEqual([]);
    expect(applyRules([rule({ kind: "device_offline", tags: ["edge"] })], [s], at)).toEqual([]);
    const both = applyRules(
      [
        rule({ kind: "device_offline" }),
        rule({ kind: "device_offline", severity: "critical", tags: ["core"] }),
      ],
      [s],
      at,
    );
    expect(both.map((c) => [c.key, c.severity])).toEqual([["device_offline:x", "critical"]]);
  });

  it("count a storm's changes inside the rule's own window and start an expiry warning `days` ahead", () => {
    const times = [600, 300, 200, 100, 50].map((s) => new Date(at.getTime() - s * 1000));
    const storm = signal({ kind: "failover_storm", times, changes: times.length });
    const r = (windowSeconds: number) =>
      rule({ kind: "failover_storm", params: { changes: 4, windowSeconds } });
    expect(applyRules([r(400)], [storm], at)).toHaveLength(1);
    expect(applyRules([r(250)], [storm], at)).toEqual([]);
    const expires = signal({
      kind: "cert_expiry",
      since: new Date(at.getTime() + 10 * 86_400_000),
    });
    expect(
      applyRules([rule({ kind: "cert_expiry", params: { days: 14 } })], [expires], at),
    ).toHaveLength(1);
    expect(applyRules([rule({ kind: "cert_expiry", params: { days: 7 } })], [expires], at)).toEqual(
      [],
    );
  });
});
