// How fast an L2 segment's traffic to a site can be moved to another path (root): in a
// scratch network namespace, two "tunnels" (veths, MTU 1420, link-local fe80::1), a
// bridge with one VXLAN port per tunnel, and the three ways of re-pointing, each written
// through the agent's long-lived `ip -batch` session (ip-session.ts):
//   1. flag flip (what the agent does, vxlan-plan.ts): the old port stops flooding and
//      learning (and forgets its MACs), the new one starts: 2 lines;
//   2. changelink: `ip link set <vx> type vxlan local … remote … dev <tunnel>` on one
//      port; fast, but a port bound to one tunnel no longer receives what the peer sends
//      over another path (each end selects its own), so the agent does not use it;
//   3. recreate: delete the port and add it on the other tunnel (4 lines).
// Prints the median and 90th percentile of N runs (default 200) and the ratio to (1).
//
//   sudo npx tsx bench/l2-segment/repoint.ts [--runs 200]
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { IpSession } from "../../edge-agent/src/agent/overlay/ip-session";
import { median, table } from "../dataplane/stats";

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const RUNS = arg("runs", 200);
const mono = () => Number(process.hrtime.bigint()) / 1e6;
const vx = (name: string, vni: number, tunnel: string) =>
  `link add name ${name} mtu 1350 type vxlan id ${vni} local fe80::1 remote fe80::2 dev ${tunnel} dstport 4789 nolearning`;
const flags = (dev: string, on: boolean) => {
  const v = on ? "on" : "off";
  return `link set dev ${dev} type bridge_slave flood ${v} mcast_flood ${v} bcast_flood ${v} learning ${v} isolated on${on ? "" : " fdb_flush"}`;
};

const SETUP = [
  "link add t1 type veth peer name t1p",
  "link add t2 type veth peer name t2p",
  ...["t1", "t2", "t1p", "t2p"].map((d) => `link set ${d} mtu 1420 up`),
  "address add fe80::1/64 dev t1 nodad",
  "address add fe80::1/64 dev t2 nodad",
  "link add pb1 type bridge mcast_snooping 0",
  "link set pb1 up",
  vx("pv1", 100, "t1"),
  vx("pv2", 100, "t2"),
  vx("vxc", 200, "t1"),
  vx("vxr", 300, "t1"),
  ...["pv1", "pv2", "vxc", "vxr"].map((d) => `link set ${d} master pb1 up`),
];

const STRATEGIES: [string, (i: number) => string[]][] = [
  ["flag flip (agent)", (i) => [flags(`pv${1 + (i % 2)}`, false), flags(`pv${2 - (i % 2)}`, true)]],
  [
    "changelink",
    (i) => [`link set dev vxc type vxlan local fe80::1 remote fe80::2 dev t${2 - (i % 2)}`],
  ],
  [
    "recreate",
    (i) => ["link del dev vxr", vx("vxr", 300, `t${2 - (i % 2)}`), "link set vxr master pb1 up"],
  ],
];

/** Inside the namespace: each strategy through its own session, RUNS times. */
async function measure() {
  execFileSync("ip", ["-batch", "-"], { input: `${SETUP.join("\n")}\n` });
  const rows: (string | number)[][] = [["strategy", "median ms", "p90 ms", "× flag flip"]];
  let base = 0;
  for (const [name, lines] of STRATEGIES) {
    const s = new IpSession();
    const xs: number[] = [];
    try {
      await s.warm();
      for (let i = 0; i < RUNS; i++) {
        const t = mono();
        await s.run(lines(i));
        xs.push(mono() - t);
      }
    } finally {
      s.close();
    }
    const m = median(xs);
    base ||= m;
    const p90 = [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
    rows.push([name, m, p90, `${(m / base).toFixed(1)}×`]);
  }
  console.log(`re-pointing an L2 segment port, ${RUNS} runs each`);
  console.log(table(rows));
}

// The benchmark re-runs itself inside a scratch namespace (as the agent runs in its box's).
if (process.env.PATRONUS_BENCH_NETNS) {
  measure().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  if (process.getuid?.() !== 0) throw new Error("needs root (a network namespace)");
  const ns = `plb${randomBytes(3).toString("hex")}`;
  execFileSync("ip", ["netns", "add", ns]);
  try {
    execFileSync(
      "nsenter",
      [
        `--net=/var/run/netns/${ns}`,
        process.execPath,
        ...process.execArgv,
        ...process.argv.slice(1),
      ],
      { stdio: "inherit", env: { ...process.env, PATRONUS_BENCH_NETNS: ns } },
    );
  } finally {
    execFileSync("ip", ["netns", "del", ns]);
  }
}
