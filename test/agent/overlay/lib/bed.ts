// Two site boxes in network namespaces, joined by two WAN links (wan0↔wan0, wan1↔wan1,
// separate subnets), each with a LAN host, and each box's overlay run by
// `patronus-agent overlay-run` inside its namespace. Names are random per run; destroy()
// removes namespaces, runners, wireguard-go processes and their control sockets.
//
//   LAN A ── lan0 [box A] wan0 ──────── wan0 [box B] lan0 ── LAN B
//   192.168.101.2, .3     wan1 ──────── wan1      192.168.102.2
//                   10.201.0.0/24 (wan0), 10.202.0.0/24 (wan1)
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Netns } from "../../../../bpf/tests/lib/netns";
import {
  generatePrivateKey,
  KEY_FILE,
  publicKeyOf,
} from "../../../../edge-agent/src/agent/overlay/keys";
import type {
  OverlayConfig,
  OverlayPath,
  OverlayStatus,
  PathEvent,
  PathReport,
} from "../../../../protocol";
import { AGENT_BIN } from "../../lib/cli";
import { ECHO_PORT, type StreamResult, UDP_ECHO_JS, UDP_STREAM_JS } from "./traffic";

export type Side = "a" | "b";
export interface RunnerLine {
  type: string;
  event?: PathEvent;
  status?: OverlayStatus;
  report?: PathReport;
  pids?: number[];
  ms?: number;
  lines?: number;
  changes?: unknown[];
  error?: string;
  publicKey?: string;
  probeBytesPerSecond?: Record<string, number>;
  /** When the test process read the line (ms, monotonic). */
  seenAt: number;
}

export const mono = () => Number(process.hrtime.bigint()) / 1e6;
const hex = (n: number) => randomBytes(n).toString("hex");

/** A /64 of fd00::/8 for one path: "fdxx:xxxx:xxxx:xxxx::". */
const ula64 = () => {
  const h = `fd${hex(7)}`;
  return `${h.slice(0, 4)}:${h.slice(4, 8)}:${h.slice(8, 12)}:${h.slice(12, 16)}::`;
};

export class Runner {
  readonly lines: RunnerLine[] = [];
  stderr = "";
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(readonly proc: ChildProcess) {
    createInterface({ input: proc.stdout! }).on("line", (l) => {
      try {
        this.lines.push({ ...JSON.parse(l), seenAt: mono() });
      } catch {
        this.stderr += `(stdout) ${l}\n`;
      }
      for (const w of this.waiters.splice(0)) w();
    });
    proc.stderr!.on("data", (d) => (this.stderr += d));
    this.exited = new Promise((r) => proc.once("exit", (c) => r(c)));
  }

  send(msg: object) {
    this.proc.stdin!.write(`${JSON.stringify(msg)}\n`);
  }

  /** Waits for a line matching `pred` from index `from` on. */
  async waitLine(
    what: string,
    pred: (l: RunnerLine) => boolean,
    o: { from?: number; timeoutMs?: number } = {},
  ): Promise<RunnerLine> {
    const until = mono() + (o.timeoutMs ?? 20_000);
    for (;;) {
      const hit = this.lines.slice(o.from ?? 0).find(pred);
      if (hit) return hit;
      if (this.proc.exitCode !== null)
        throw new Error(
          `runner exited (${this.proc.exitCode}) waiting for ${what}:\n${this.stderr}`,
        );
      const left = until - mono();
      if (left <= 0)
        throw new Error(`timed out waiting for ${what}; runner log:\n${this.stderr.slice(-4000)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  events(from = 0): PathEvent[] {
    return this.lines.slice(from).flatMap((l) => (l.type === "event" && l.event ? [l.event] : []));
  }

  /** Everything the runner said (for failure messages). */
  dump(): string {
    return `${this.lines.map((l) => JSON.stringify(l)).join("\n")}\n--- stderr ---\n${this.stderr}`;
  }
}

export class OverlayBed {
  readonly net = new Netns();
  readonly ns = {
    a: this.net.name("A"),
    b: this.net.name("B"),
    la: this.net.name("LA"),
    lb: this.net.name("LB"),
  };
  readonly dirs: Record<Side, string> = { a: "", b: "" };
  readonly keys: Record<Side, { priv: string; pub: string }> = {
    a: { priv: generatePrivateKey(), pub: "" },
    b: { priv: generatePrivateKey(), pub: "" },
  };
  /** Tunnel interface names, unique on this host (wireguard-go sockets are shared). */
  readonly ifnames = { a0: `pw${hex(4)}`, a1: `pw${hex(4)}`, b0: `pw${hex(4)}`, b1: `pw${hex(4)}` };
  readonly nets = [ula64(), ula64()];
  readonly runners: Partial<Record<Side, Runner>> = {};
  readonly pids = new Set<number>();
  private echo: ChildProcess | null = null;
  static readonly PATHS = ["la0~lb0", "la1~lb1"] as const;

  async create() {
    for (const s of ["A", "B", "LA", "LB"]) await this.net.add(s);
    const { a, b, la, lb } = this.ns;
    await this.net.link([a, "wan0", "10.201.0.1/24"], [b, "wan0", "10.201.0.2/24"]);
    await this.net.link([a, "wan1", "10.202.0.1/24"], [b, "wan1", "10.202.0.2/24"]);
    await this.net.link([a, "lan0", "192.168.101.1/24"], [la, "lan0", "192.168.101.2/24"]);
    await this.net.link([b, "lan0", "192.168.102.1/24"], [lb, "lan0", "192.168.102.2/24"]);
    await this.net.exec(la, "ip", ["addr", "add", "192.168.101.3/24", "dev", "lan0"]);
    await this.net.exec(la, "ip", ["route", "add", "default", "via", "192.168.101.1"]);
    await this.net.exec(lb, "ip", ["route", "add", "default", "via", "192.168.102.1"]);
    for (const side of ["a", "b"] as const) {
      this.dirs[side] = await mkdtemp(join(tmpdir(), `patronus-overlay-${side}-`));
      this.keys[side].pub = publicKeyOf(this.keys[side].priv);
      await writeFile(join(this.dirs[side], KEY_FILE), `${this.keys[side].priv}\n`, {
        mode: 0o600,
      });
    }
  }

  /** Each box's overlay: links wan0 (cost 10) and wan1 (cost 50), one path per link pair. */
  config(side: Side, over: Partial<OverlayConfig> = {}): OverlayConfig {
    const me = side === "a" ? "a" : "b";
    const peer = side === "a" ? "b" : "a";
    const peerSubnetHost = side === "a" ? 2 : 1;
    const path = (i: 0 | 1): OverlayPath => ({
      id: OverlayBed.PATHS[i],
      localLink: `l${me}${i}`,
      remote: {
        siteId: `site_${peer}`,
        siteName: `Site ${peer.toUpperCase()}`,
        role: "edge",
        deviceId: `dev_${peer}`,
        linkId: `l${peer}${i}`,
        linkName: i === 0 ? "fiber" : "lte",
        publicKey: this.keys[peer].pub,
        endpoint: { address: `10.20${i + 1}.0.${peerSubnetHost}`, port: 51820 + i },
      },
      ifname: this.ifnames[`${me}${i}` as keyof typeof this.ifnames],
      listenPort: 51820 + i,
      // "la…" sorts before "lb…": box A holds ::1.
      address: `${this.nets[i]}${side === "a" ? 1 : 2}`,
      peerAddress: `${this.nets[i]}${side === "a" ? 2 : 1}`,
      prefixes: [side === "a" ? "192.168.102.0/24" : "192.168.101.0/24"],
      cost: i === 0 ? 20 : 100,
    });
    return {
      settings: { probeIntervalMs: 100, holdDownMs: 3000, telemetryIntervalMs: 1000 },
      links: [0, 1].map((i) => ({
        id: `l${me}${i}`,
        name: i === 0 ? "fiber" : "lte",
        kind: i === 0 ? ("fiber" as const) : ("lte" as const),
        ifname: `wan${i}`,
        cost: i === 0 ? 10 : 50,
        metered: i === 1,
      })),
      paths: [path(0), path(1)],
      classes: [],
      policies: [],
      ...over,
    };
  }

  async start(side: Side, config = this.config(side), extra: string[] = []): Promise<Runner> {
    const file = join(this.dirs[side], `overlay-${hex(2)}.json`);
    await writeFile(file, JSON.stringify(config));
    const proc = spawn(
      "ip",
      [
        "netns",
        "exec",
        this.ns[side],
        AGENT_BIN,
        "overlay-run",
        "--config",
        file,
        "--state-dir",
        this.dirs[side],
        "--log-level",
        "info",
        ...extra,
      ],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    const r = new Runner(proc);
    this.runners[side] = r;
    const ready = await r.waitLine("ready", (l) => l.type === "ready", { timeoutMs: 60_000 });
    for (const p of ready.pids ?? []) this.pids.add(p);
    return r;
  }

  exec(ns: string, cmd: string, args: string[]) {
    return this.net.exec(ns, cmd, args);
  }

  /** Starts the UDP echo on LAN host B (once). */
  async startEcho() {
    if (this.echo) return;
    this.echo = this.net.spawn(this.ns.lb, process.execPath, [
      "-e",
      UDP_ECHO_JS,
      String(ECHO_PORT),
    ]);
    await new Promise<void>((resolve, reject) => {
      this.echo!.stdout!.once("data", () => resolve());
      this.echo!.once("exit", (c) => reject(new Error(`echo exited ${c}`)));
    });
  }

  /** UDP from LAN host A to LAN host B for `durationMs`, one packet every `everyMs`. */
  async stream(durationMs: number, everyMs = 10, from?: string): Promise<StreamResult> {
    await this.startEcho();
    const out = await this.net.exec(this.ns.la, process.execPath, [
      "-e",
      UDP_STREAM_JS,
      "192.168.102.2",
      String(ECHO_PORT),
      String(everyMs),
      String(durationMs),
      ...(from ? [from] : []),
    ]);
    return JSON.parse(out) as StreamResult;
  }

  /** True when LAN host B answers LAN host A within a second. */
  async reachable(from?: string): Promise<boolean> {
    return (await this.stream(1000, 50, from)).received > 0;
  }

  async destroy() {
    for (const r of Object.values(this.runners)) {
      if (r && r.proc.exitCode === null) {
        r.proc.kill("SIGTERM");
        const t = setTimeout(() => r.proc.kill("SIGKILL"), 5000);
        await r.exited;
        clearTimeout(t);
      }
    }
    if (this.echo && this.echo.exitCode === null) this.echo.kill("SIGKILL");
    for (const pid of this.pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await this.net.destroy();
    for (const name of Object.values(this.ifnames))
      rmSync(`/var/run/wireguard/${name}.sock`, { force: true });
    for (const d of Object.values(this.dirs)) if (d) await rm(d, { recursive: true, force: true });
  }
}
