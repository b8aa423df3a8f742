// iperf3 between two namespaces routed through a third (veth), with the pipeline on
// the router's links vs no programs, interleaved: none, tc, native, generic, none, ...
// The TC build (tc_wan_ingress + tc_egress) is what the agent uses on veth, and the
// target's subject; native XDP (copies every GSO super-packet on veth) and generic XDP
// are extra information. Every run with programs must show its traffic in the
// counters and conntrack; every run without must show none.
import type { Env } from "../../bpf/tests/lib/harness";
import { Netns } from "../../bpf/tests/lib/netns";
import { attachPipeline, type WanIngressMode } from "../../edge-agent/src/dataplane/attach";
import { applyPolicy, setInterface } from "../../edge-agent/src/dataplane/config";
import { REASON_SLOTS, REASONS, type Reason } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import { dumpConntrack } from "../../edge-agent/src/dataplane/flows";
import { until } from "../../testkit/wait";
import type { BenchContext, BenchRow, RowGroup } from "./report";
import { spread } from "./stats";

const SLOT = 1;
const SERVER = "192.168.78.2";
const PORT = 5201;
type Mode = "none" | WanIngressMode;
const MODES: [Mode, string][] = [
  ["none", "no programs"],
  ["tc", "TC build (tc_wan_ingress + tc_egress)"],
  ["native", "XDP native + tc_egress (info)"],
  ["generic", "XDP generic + tc_egress (info)"],
];

/** Packets and bytes per reason of the router's WAN slot. */
async function slotCounters(dp: Dataplane) {
  const out = {} as Record<Reason, { packets: bigint; bytes: bigint }>;
  for (const [i, r] of REASONS.entries())
    out[r] = await dp.counter("counters", SLOT * REASON_SLOTS + i);
  return out;
}

class Topology {
  readonly net = new Netns();
  router = "";
  client = "";

  async build() {
    const { net } = this;
    const [c, r, s] = [await net.add("c"), await net.add("r"), await net.add("s")];
    [this.client, this.router] = [c, r];
    // No IPv6: its link-local chatter (MLD) would be default-denied and look like drops.
    for (const ns of [c, r, s])
      for (const k of ["all", "default"])
        await net.exec(ns, "sysctl", ["-qw", `net.ipv6.conf.${k}.disable_ipv6=1`]);
    await net.link([c, "wan0", "10.78.0.2/24"], [r, "wan0", "10.78.0.1/24"]);
    await net.link([r, "lan0", "192.168.78.1/24"], [s, "lan0", `${SERVER}/24`]);
    await net.exec(c, "ip", ["route", "add", "192.168.78.0/24", "via", "10.78.0.1"]);
    await net.exec(s, "ip", ["route", "add", "default", "via", "192.168.78.1"]);
    await net.exec(r, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
    net.spawn(s, "iperf3", ["-s", "-B", SERVER, "-p", String(PORT)]);
    await until("iperf3 server listening", async () =>
      (await net.exec(s, "ss", ["-ltnH"])).includes(`${SERVER}:${PORT}`),
    );
  }

  /** Gbit/s and payload bytes the server received. */
  async iperf(args: string[]) {
    const out = await this.net.exec(this.client, "iperf3", [
      "-c",
      SERVER,
      "-p",
      String(PORT),
      "-J",
      ...args,
    ]);
    const end = JSON.parse(out).end.sum_received as { bits_per_second: number; bytes: number };
    return { gbps: end.bits_per_second / 1e9, bytes: end.bytes };
  }
}

async function attach(env: Env, dp: Dataplane, router: string, mode: WanIngressMode) {
  const ifindex = await attachPipeline(env.loader, {
    name: dp.name,
    netns: router,
    wan: "wan0",
    lan: "lan0",
    wanIngress: mode,
  });
  await setInterface(dp, { ifindex, slot: SLOT, policy: true, defaultAction: "deny" });
  await applyPolicy(dp, [
    {
      id: 1,
      src: "10.78.0.0/24",
      dst: "192.168.78.0/24",
      proto: 6,
      ports: [PORT, PORT],
      action: "allow",
    },
  ]);
}

async function detach(env: Env, dp: Dataplane, router: string, mode: WanIngressMode) {
  const base = { name: dp.name, netns: router, ifname: "wan0" };
  if (mode === "tc") await env.loader.call("detach_tc", { ...base, dir: "ingress" });
  else await env.loader.call("detach_xdp", { ...base, mode });
  await env.loader.call("detach_tc", { ...base, dir: "egress" });
  await env.loader.call("detach_tc", { ...base, ifname: "lan0", dir: "ingress" });
}

/** With programs: the client->server bytes went through WAN ingress (conntrack orig
 * half, or the SYN's policy allow), replies through tc_egress, state exists for the
 * iperf connections. Without: nothing counted, no state. */
async function checkRun(
  dp: Dataplane,
  mode: Mode,
  before: Awaited<ReturnType<typeof slotCounters>>,
  received: number,
) {
  const after = await slotCounters(dp);
  const moved = (r: Reason) => after[r].packets - before[r].packets;
  const bytes = (r: Reason) => after[r].bytes - before[r].bytes;
  const flows = (await dumpConntrack(dp)).filter(
    (f) => f.key.daddr === SERVER && f.key.dport === PORT,
  );
  const out: string[] = [];
  if (mode === "none") {
    const any = REASONS.filter((r) => moved(r) !== 0n);
    if (any.length) out.push(`no programs attached, yet counters moved: ${any.join(", ")}`);
    if (flows.length) out.push(`no programs attached, yet ${flows.length} conntrack entries`);
    return out;
  }
  const ingress = bytes("ct_orig") + bytes("policy_allow");
  if (ingress < BigInt(received))
    out.push(`${mode}: WAN ingress counted ${ingress} bytes, the server received ${received}`);
  if (moved("policy_allow") < 2n)
    out.push(`${mode}: policy_allow +${moved("policy_allow")}, expected >= 2`);
  if (moved("ct_reply") === 0n) out.push(`${mode}: tc_egress saw no replies (ct_reply +0)`);
  const drops = REASONS.filter((r) => r.endsWith("_drop") || r.endsWith("_deny")).filter((r) =>
    moved(r),
  );
  if (drops.length) out.push(`${mode}: drops counted: ${drops.join(", ")}`);
  if (flows.length < 2)
    out.push(`${mode}: ${flows.length} conntrack entries for the iperf flows, expected >= 2`);
  return out;
}

async function measure(
  ctx: BenchContext,
  modes: Mode[],
): Promise<Map<Mode, { gbps: number[]; failures: string[] }>> {
  const { env, opts } = ctx;
  const topo = new Topology();
  const res = new Map(modes.map((m) => [m, { gbps: [] as number[], failures: [] as string[] }]));
  try {
    await topo.build();
    const dp = await env.fresh();
    const seconds = opts.quick ? 1 : 3;
    // Round 0 is a checked warm-up (a short transfer); its figures are not kept.
    for (let round = 0; round <= opts.runs; round++) {
      for (const m of modes) {
        ctx.log(`iperf ${round ? `run ${round}` : "warm-up"}: ${m}`);
        if (m !== "none") await attach(env, dp, topo.router, m);
        const before = await slotCounters(dp);
        const r = await topo.iperf(round ? ["-t", String(seconds)] : ["-n", "20M"]);
        res.get(m)!.failures.push(...(await checkRun(dp, m, before, r.bytes)));
        if (m !== "none") await detach(env, dp, topo.router, m);
        await dp.clear("conntrack");
        if (round) res.get(m)!.gbps.push(r.gbps);
      }
    }
  } finally {
    await topo.net.destroy();
  }
  return res;
}

export const iperfGroup: RowGroup = {
  name: "iperf",
  title: "iperf3 TCP, client -> router (programs) -> server over veth",
  async run(ctx) {
    const modes = MODES.filter(([m, name]) => m === "none" || ctx.selected("iperf", name)).map(
      ([m]) => m,
    );
    if (!ctx.opts.iperf || modes.length < 2) return [];
    const res = await measure(ctx, modes);
    const none = res.get("none")!;
    return MODES.filter(([m]) => res.has(m)).map(([m, name]): BenchRow => {
      const r = res.get(m)!;
      const row: BenchRow = {
        group: "iperf",
        name,
        unit: "Gbit/s",
        timing: `${ctx.opts.quick ? 1 : 3} s x ${ctx.opts.runs}, interleaved`,
        checks:
          m === "none"
            ? ["no counter moves, no conntrack state"]
            : [
                "WAN ingress counted >= the bytes the server received",
                "policy allowed the SYNs",
                "tc_egress saw the replies",
                "conntrack state for the iperf flows",
                "no drops",
              ],
        status: r.failures.length || none.failures.length ? "FAILED" : "ok",
        failures: [...new Set([...r.failures, ...(m === "none" ? [] : none.failures)])],
      };
      if (row.status === "FAILED") return row;
      const ratio = spread(r.gbps.map((g, i) => g / none.gbps[i]!));
      return {
        ...row,
        value: spread(r.gbps),
        ...(m === "none"
          ? {}
          : { baseline: { name: "no programs", value: spread(none.gbps) }, ratio }),
        ...(m === "tc" ? { target: { text: ">=0.9x", met: ratio.median >= 0.9 } } : {}),
      };
    });
  },
};
