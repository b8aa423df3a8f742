// ns/packet per pipeline path through BPF_PROG_TEST_RUN, side by side with a bare
// XDP_PASS program in the same run. Paths whose packet is rewritten (NAT) or that
// create state cannot use `repeat` (the kernel re-runs the modified buffer), so
// they are timed per call (repeat=1, fresh packet) against a bare per-call baseline.

import type { Env } from "../../bpf/tests/lib/harness";
import { ipv4, TCP } from "../../bpf/tests/lib/packet";
import { applyPolicy, setService, setSnat } from "../../edge-agent/src/dataplane/config";
import type { Dataplane } from "../../edge-agent/src/dataplane/dataplane";
import type { PolicyRule } from "../../edge-agent/src/dataplane/policy";
import { median } from "./stats";

const REPEAT = 1_000_000;
const RUNS = 5;
const CALLS = 3000;

async function repeated(dp: Dataplane, prog: string, pkt: Buffer): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) runs.push((await dp.testRun(prog, pkt, REPEAT)).duration);
  return median(runs);
}

async function perCall(dp: Dataplane, prog: string, make: (i: number) => Buffer): Promise<number> {
  const d = await Promise.all(Array.from({ length: CALLS }, (_, i) => dp.testRun(prog, make(i))));
  return median(d.map((r) => r.duration));
}

// 40 rules; the matching one is last so the scan does its full work.
const RULES: PolicyRule[] = [
  ...Array.from(
    { length: 39 },
    (_, i): PolicyRule => ({
      id: i + 1,
      src: `172.${16 + (i % 16)}.${i}.0/24`,
      dst: "0.0.0.0/0",
      proto: 6,
      ports: [1000 + i, 1000 + i],
      action: "deny",
    }),
  ),
  { id: 40, src: "10.0.0.0/8", dst: "10.0.0.0/8", proto: 6, ports: [80, 443], action: "allow" },
];

export interface PathResult {
  path: string;
  mode: "repeat" | "per-call";
  ns: number;
  bare: number;
}

/** The same rules, one LB service (4 backends) and SNAT in every pipeline measured. */
async function configureRules(dp: Dataplane) {
  await applyPolicy(dp, RULES);
  await setService(dp, {
    vip: "10.9.0.1",
    port: 80,
    proto: 6,
    backends: [1, 2, 3, 4].map((i) => ({ id: i, addr: `10.9.1.${i}`, port: 8080 })),
  });
  await setSnat(dp, { from: "10.0.0.0/8", to: "10.250.0.1", ports: [1024, 65535] });
}

export async function benchPipeline(env: Env): Promise<PathResult[]> {
  const bare = await env.bare();
  const dp = await env.fresh({
    policy: true,
    defaultAction: "deny",
    snat: true,
    rateLimit: { pps: 1e9, burst: 1e6 },
    synGuard: { pps: 1e9, burst: 1e6 },
  });
  await configureRules(dp);
  const bareRep = await repeated(
    bare,
    "xdp_bare",
    ipv4({ src: "10.1.0.1", dst: "10.2.0.1", proto: "tcp" }),
  );
  const barePer = await perCall(bare, "xdp_bare", () =>
    ipv4({ src: "10.1.0.1", dst: "10.2.0.1", proto: "tcp" }),
  );
  const bareTc = await perCall(bare, "tc_bare", () =>
    ipv4({ src: "10.1.0.1", dst: "10.2.0.1", proto: "tcp" }),
  );
  const out: PathResult[] = [];
  const rep = async (path: string, prog: string, pkt: Buffer) =>
    out.push({ path, mode: "repeat", ns: await repeated(dp, prog, pkt), bare: bareRep });
  const per = async (path: string, prog: string, make: (i: number) => Buffer) =>
    out.push({
      path,
      mode: "per-call",
      ns: await perCall(dp2, prog, make),
      bare: prog.startsWith("tc") ? bareTc : barePer,
    });

  // Mid-stream ACK without state: full policy evaluation on every packet, no state created.
  await rep(
    "policy allow (40 rules, LPM x2)",
    "xdp_ingress",
    ipv4({ src: "10.1.0.1", dst: "10.2.0.1", proto: "tcp", dport: 443, flags: TCP.ack }),
  );
  await rep(
    "policy deny (default)",
    "xdp_ingress",
    ipv4({ src: "192.168.5.5", dst: "10.2.0.1", proto: "tcp", dport: 443 }),
  );
  // Reply of an outbound flow: conntrack hit, no rewrite.
  await dp.testRun(
    "tc_egress",
    ipv4({ src: "172.31.0.1", dst: "10.3.0.1", proto: "tcp", sport: 5555, dport: 443 }),
  );
  await rep(
    "established flow via conntrack",
    "xdp_ingress",
    ipv4({
      src: "10.3.0.1",
      dst: "172.31.0.1",
      proto: "tcp",
      sport: 443,
      dport: 5555,
      flags: TCP.ack,
    }),
  );
  const limited = await env.fresh({ rateLimit: { pps: 1, burst: 1 } });
  out.push({
    path: "rate-limited drop",
    mode: "repeat",
    ns: await repeated(
      limited,
      "xdp_ingress",
      ipv4({ src: "203.0.113.1", dst: "10.2.0.1", proto: "tcp", flags: TCP.ack }),
    ),
    bare: bareRep,
  });

  const dp2 = await env.fresh({
    policy: true,
    defaultAction: "deny",
    snat: true,
    rateLimit: { pps: 1e9, burst: 1e6 },
  });
  await configureRules(dp2);
  const lbPkt = (i: number, flags: number = TCP.syn) =>
    ipv4({
      src: `10.5.${i >> 8}.${i & 255}`,
      dst: "10.9.0.1",
      proto: "tcp",
      sport: 10000 + (i % 50000),
      dport: 80,
      flags,
    });
  await per("LB new flow (Maglev + DNAT + CT create)", "xdp_ingress", (i) => lbPkt(i));
  await per("LB established (CT hit + DNAT rewrite)", "xdp_ingress", (i) => lbPkt(i, TCP.ack));
  await per("policy allow (per call, for reference)", "xdp_ingress", () =>
    ipv4({ src: "10.1.0.1", dst: "10.2.0.1", proto: "tcp", dport: 443, flags: TCP.ack }),
  );
  const snatPkt = (i: number) =>
    ipv4({
      src: `10.6.${i >> 8}.${i & 255}`,
      dst: "198.51.100.1",
      proto: "tcp",
      sport: 20000 + i,
      dport: 443,
    });
  await per("SNAT new flow (tc egress, port alloc)", "tc_egress", snatPkt);
  await per("SNAT established (tc egress, CT hit)", "tc_egress", snatPkt);
  return out;
}
