// iperf3 between two namespaces routed through a third, with the pipeline
// attached (XDP + TC, policy default-deny with an allow rule, conntrack) vs without.
// Native XDP on veth copies every GSO super-packet into page buffers, so the TC
// build of the same pipeline is measured too (what the agent uses on veth).

import type { Env } from "../../bpf/tests/lib/harness";
import { Netns } from "../../bpf/tests/lib/netns";
import { attachPipeline, type WanIngressMode } from "../../edge-agent/src/dataplane/attach";
import { applyPolicy, setInterface } from "../../edge-agent/src/dataplane/config";
import { median } from "./stats";

const SECONDS = 3;

export async function benchIperf(env: Env, rounds = 3) {
  const net = new Netns();
  try {
    const [c, r, s] = [await net.add("c"), await net.add("r"), await net.add("s")];
    await net.link([c, "wan0", "10.78.0.2/24"], [r, "wan0", "10.78.0.1/24"]);
    await net.link([r, "lan0", "192.168.78.1/24"], [s, "lan0", "192.168.78.2/24"]);
    await net.exec(c, "ip", ["route", "add", "192.168.78.0/24", "via", "10.78.0.1"]);
    await net.exec(s, "ip", ["route", "add", "default", "via", "192.168.78.1"]);
    await net.exec(r, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
    const server = net.spawn(s, "iperf3", ["-s", "-B", "192.168.78.2"]);
    await new Promise((res) => setTimeout(res, 300));
    const run = async () => {
      const out = await net.exec(c, "iperf3", ["-c", "192.168.78.2", "-t", String(SECONDS), "-J"]);
      return (JSON.parse(out).end.sum_received.bits_per_second as number) / 1e9;
    };
    const dp = await env.fresh();
    const attach = async (mode: WanIngressMode) => {
      const ifindex = await attachPipeline(env.loader, {
        name: "main",
        netns: r,
        wan: "wan0",
        lan: "lan0",
        wanIngress: mode,
      });
      await setInterface(dp, { ifindex, slot: 1, policy: true, defaultAction: "deny" });
      await applyPolicy(dp, [
        {
          id: 1,
          src: "10.78.0.0/24",
          dst: "192.168.78.0/24",
          proto: 6,
          ports: [5201, 5201],
          action: "allow",
        },
      ]);
    };
    const detach = async (mode: WanIngressMode) => {
      const base = { netns: r, ifname: "wan0" };
      if (mode === "tc") await env.loader.call("detach_tc", { ...base, dir: "ingress" });
      else await env.loader.call("detach_xdp", { ...base, mode });
      await env.loader.call("detach_tc", { ...base, dir: "egress" });
      await env.loader.call("detach_tc", { netns: r, ifname: "lan0", dir: "ingress" });
      await dp.clear("conntrack");
    };
    const modes = ["none", "native", "generic", "tc"] as const;
    const results = Object.fromEntries(modes.map((m) => [m, [] as number[]])) as Record<
      (typeof modes)[number],
      number[]
    >;
    for (let i = 0; i < rounds; i++) {
      for (const m of modes) {
        if (m !== "none") await attach(m);
        results[m].push(await run());
        if (m !== "none") await detach(m);
      }
    }
    server.kill();
    return Object.fromEntries(modes.map((m) => [m, median(results[m])])) as Record<
      (typeof modes)[number],
      number
    >;
  } finally {
    await net.destroy();
  }
}
