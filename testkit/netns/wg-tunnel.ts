// A hand-made WireGuard tunnel between two boxes over the WAN emulator (wireguard-go, as
// the agent uses when the kernel has no WireGuard module): a baseline for tests that need
// a working tunnel without an agent. Its processes live in the boxes' namespaces, so the
// test bed's teardown ends them and removes their sockets.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sh } from "../../bpf/tests/lib/netns";
import { until as waitUntil } from "../wait";
import type { LinkPlan } from "./address-plan";
import type { OverlayTestBed, TestSite } from "./testbed";

export interface TunnelEnd {
  site: TestSite;
  link: LinkPlan;
  /** Inner address, e.g. "192.168.250.1". */
  address: string;
  listenPort: number;
}

export interface WgTunnel {
  ifnames: [string, string];
  processes: ChildProcess[];
}

async function genkey(): Promise<{ priv: string; pub: string }> {
  const priv = (await sh("wg", ["genkey"])).trim();
  const pub = await new Promise<string>((resolve, reject) => {
    const p = spawn("wg", ["pubkey"], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("close", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error("wg pubkey"))));
    p.stdin.end(`${priv}\n`);
  });
  return { priv, pub };
}

const until = (what: string, ok: () => boolean, timeoutMs = 10_000) =>
  waitUntil(what, ok, { timeoutMs, everyMs: 20 });

/**
 * Tunnel a ↔ b over a.link ↔ b.link: each end's peer endpoint is the other link's public
 * address, and each sends from its own link's real address (fwmark → that link's table,
 * as the agent does). `routes` adds each other's LAN prefix through the tunnel.
 */
export async function wgTunnel(
  bed: OverlayTestBed,
  a: TunnelEnd,
  b: TunnelEnd,
  o: { routes?: boolean } = {},
): Promise<WgTunnel> {
  const dir = await mkdtemp(join(tmpdir(), "patronus-wg-"));
  try {
    const tag = randomBytes(2).toString("hex");
    const ends = [a, b] as const;
    const ifnames = ends.map((e, i) => `pwt${tag}${e.site.name}${i}`) as [string, string];
    const keys = await Promise.all(ends.map(genkey));
    const processes: ChildProcess[] = [];
    for (const [i, e] of ends.entries()) {
      const other = ends[1 - i]!;
      const ifname = ifnames[i]!;
      const { net } = bed;
      processes.push(net.spawn(e.site.box, "wireguard-go", ["-f", ifname]));
      await until(`${ifname}'s control socket`, () =>
        existsSync(`/var/run/wireguard/${ifname}.sock`),
      );
      const keyFile = join(dir, `${ifname}.key`);
      await writeFile(keyFile, `${keys[i]!.priv}\n`, { mode: 0o600 });
      const mark = String(0x7b000000 + Number(e.link.ifname.slice(3)));
      // Before the key and endpoint: wireguard-go sends its first handshake at once.
      await net
        .exec(e.site.box, "ip", [
          "rule",
          "add",
          "fwmark",
          mark,
          "lookup",
          String(e.link.table),
          "pref",
          "900",
        ])
        .catch((err: Error) => {
          if (!/File exists/.test(err.message)) throw err; // another tunnel on the same link
        });
      await net.exec(e.site.box, "wg", [
        "set",
        ifname,
        "private-key",
        keyFile,
        "listen-port",
        String(e.listenPort),
        "fwmark",
        mark,
        "peer",
        keys[1 - i]!.pub,
        "endpoint",
        `${other.link.publicAddress}:${other.listenPort}`,
        "allowed-ips",
        "0.0.0.0/0",
        "persistent-keepalive",
        "1",
      ]);
      await net.exec(e.site.box, "ip", ["addr", "add", `${e.address}/30`, "dev", ifname]);
      await net.exec(e.site.box, "ip", ["link", "set", ifname, "up"]);
      if (o.routes)
        await net.exec(e.site.box, "ip", ["route", "add", other.site.lanPrefix, "dev", ifname]);
    }
    return { ifnames, processes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
