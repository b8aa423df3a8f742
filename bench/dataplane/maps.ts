// Control-plane speed: map updates through the loader and one policy change
// end to end (TS compile -> loader -> kernel, including stale-prefix cleanup).

import type { Env } from "../../bpf/tests/lib/harness";
import { applyPolicy } from "../../edge-agent/src/dataplane/config";
import type { PolicyRule } from "../../edge-agent/src/dataplane/policy";
import { median } from "./stats";

export async function benchMaps(env: Env) {
  const dp = await env.fresh();
  const N = 50_000;
  const entries: [object, object][] = Array.from({ length: N }, (_, i) => [
    {
      saddr: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`,
      daddr: "10.255.0.1",
      sport: 1000,
      dport: 80,
      proto: 6,
    },
    { expires: 1n, state: 2 },
  ]);
  let t = performance.now();
  await dp.putMany("conntrack", entries);
  const batchRate = N / ((performance.now() - t) / 1000);

  const single: number[] = [];
  for (let i = 0; i < 2000; i++) {
    t = performance.now();
    await dp.put("app_ports", { proto: 6, port: i % 4000 }, { app_id: 1 });
    single.push(performance.now() - t);
  }
  const pipelined = 20_000;
  t = performance.now();
  await Promise.all(
    Array.from({ length: pipelined }, (_, i) =>
      dp.put(
        "conntrack",
        { saddr: "10.200.0.1", daddr: "10.255.0.1", sport: i, dport: 53, proto: 17 },
        { expires: 1n },
      ),
    ),
  );
  const pipeRate = pipelined / ((performance.now() - t) / 1000);

  const policy: number[] = [];
  for (let i = 0; i < 30; i++) {
    const rules: PolicyRule[] = Array.from({ length: 20 }, (_, j) => ({
      id: j,
      src: `10.${j}.${i}.0/24`,
      dst: "0.0.0.0/0",
      proto: 6,
      ports: [80, 80],
      action: "allow",
    }));
    t = performance.now();
    await applyPolicy(dp, rules);
    policy.push(performance.now() - t);
  }
  return {
    batchRate,
    pipeRate,
    singleUs: median(single) * 1000,
    policyMs: median(policy),
  };
}
