// Control-plane speed through the loader: batch and pipelined map updates, one update
// round trip, and one policy change end to end (TS compile -> loader -> kernel,
// including stale-prefix cleanup). Each figure is checked to have landed in the map.
import { applyPolicy } from "../../edge-agent/src/dataplane/config";
import { MAX_RULES } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import type { PolicyRule } from "../../edge-agent/src/dataplane/policy";
import { activeBank } from "../../edge-agent/src/dataplane/policy-apply";
import type { BenchContext, BenchRow, RowGroup } from "./report";
import { median, spread } from "./stats";

const ctKey = (i: number, proto = 6) => ({
  saddr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  daddr: "10.255.0.1",
  sport: 1000,
  dport: 80,
  proto,
});

async function ctCount(dp: Dataplane) {
  return (await dp.dump("conntrack")).length;
}

type Measure = (dp: Dataplane) => Promise<{ value: number; failures: string[] }>;

function measures(quick: boolean): [name: string, unit: string, m: Measure][] {
  const batch = quick ? 2000 : 50_000;
  const pipelined = quick ? 1000 : 20_000;
  const single = quick ? 100 : 2000;
  const changes = quick ? 5 : 30;
  return [
    [
      `update_batch, conntrack, ${batch} entries`,
      "entries/s",
      async (dp) => {
        const entries = Array.from({ length: batch }, (_, i): [object, object] => [
          ctKey(i),
          { expires: 1n, state: 2 },
        ]);
        const t = performance.now();
        await dp.putMany("conntrack", entries);
        const value = batch / ((performance.now() - t) / 1000);
        const n = await ctCount(dp);
        return {
          value,
          failures: n === batch ? [] : [`${n} entries in conntrack, expected ${batch}`],
        };
      },
    ],
    [
      `pipelined single updates, ${pipelined} entries`,
      "entries/s",
      async (dp) => {
        const t = performance.now();
        await Promise.all(
          Array.from({ length: pipelined }, (_, i) =>
            dp.put("conntrack", ctKey(i, 17), { expires: 1n }),
          ),
        );
        const value = pipelined / ((performance.now() - t) / 1000);
        const n = await ctCount(dp);
        return { value, failures: n === pipelined ? [] : [`${n} entries, expected ${pipelined}`] };
      },
    ],
    [
      "one update round trip (median)",
      "us",
      async (dp) => {
        const d: number[] = [];
        for (let i = 0; i < single; i++) {
          const t = performance.now();
          await dp.put("app_ports", { proto: 6, port: i + 1 }, { app_id: 1 });
          d.push(performance.now() - t);
        }
        const n = (await dp.dump("app_ports")).length;
        return {
          value: median(d) * 1000,
          failures: n === single ? [] : [`${n} app_ports, expected ${single}`],
        };
      },
    ],
    [
      "policy change, 20 rules, TS -> kernel (median)",
      "ms",
      async (dp) => {
        const d: number[] = [];
        let rules: PolicyRule[] = [];
        for (let i = 0; i < changes; i++) {
          rules = Array.from({ length: 20 }, (_, j) => ({
            id: j + 1,
            src: `10.${j}.${i}.0/24`,
            dst: "0.0.0.0/0",
            proto: 6,
            ports: [80, 80],
            action: "allow",
          }));
          const t = performance.now();
          await applyPolicy(dp, rules);
          d.push(performance.now() - t);
        }
        // The active bank holds the last set, and says it has 20 rules (policy_bank[1 + bank]).
        const bank = await activeBank(dp);
        const ids = await Promise.all(
          rules.map(async (_, j) => {
            const r = (await dp.get("policy_rules", { v: bank * MAX_RULES + j }))?.[0];
            return (r as { rule_id: number } | undefined)?.rule_id;
          }),
        );
        const count = ((await dp.get("policy_bank", { v: 1 + bank }))?.[0] as { v: number })?.v;
        const failures = [
          ...(ids.every((id, j) => id === j + 1) ? [] : [`active rules ${ids.join(",")}`]),
          ...(count === 20 ? [] : [`active bank holds ${count} rules, expected 20`]),
        ];
        return { value: median(d), failures };
      },
    ],
  ];
}

export const mapsGroup: RowGroup = {
  name: "control",
  title: "Control plane through the loader",
  async run(ctx: BenchContext) {
    const out: BenchRow[] = [];
    for (const [name, unit, m] of measures(ctx.opts.quick)) {
      if (!ctx.selected("control", name)) continue;
      ctx.log(name);
      const values: number[] = [];
      const failures: string[] = [];
      for (let r = 0; r < ctx.opts.runs && !failures.length; r++) {
        const res = await m(await ctx.env.fresh());
        values.push(res.value);
        failures.push(...res.failures);
      }
      out.push({
        group: "control",
        name,
        unit,
        timing: `${ctx.opts.runs} runs`,
        checks: ["the written entries are in the map afterwards"],
        ...(failures.length
          ? { status: "FAILED", failures }
          : { status: "ok", failures: [], value: spread(values) }),
      });
    }
    return out;
  },
};
