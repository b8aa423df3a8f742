// One WireGuard interface per path: the kernel's when `ip link add type wireguard` works,
// else a `wireguard-go -f` child. Reconciling changes only what differs from the dump,
// adopts interfaces left by an earlier run, and removes the agent's interfaces (named
// `pw` + 8 hex by the compiler) that the config no longer has.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../log";
import { sleep } from "../time";
import { ip, ipBatch, ipJson, run } from "./exec";
import type { TunnelKey } from "./keys";
import { linkMark } from "./routing-plan";
import type { OverlayConfig, OverlayPath } from "./types";
import { parseWgDump, type WgInterface, wgSetArgs } from "./wg-dump";

export const TUNNEL_MTU = 1420;
const OURS = /^pw[0-9a-f]{8}$/;
const SOCKET_DIR = "/var/run/wireguard";
const START_TIMEOUT_MS = 5000;

export interface TunnelsOptions {
  /** wireguard-go binary (default: on PATH). */
  wireguardGo?: string;
  /** Where wireguard-go children write their logs. */
  logDir?: string;
  log: Logger;
}

interface LinkInfo {
  ifname: string;
  mtu?: number;
  flags?: string[];
  linkinfo?: { info_kind?: string };
  addr_info?: { family: string; local: string; prefixlen: number; scope?: string }[];
}

const socketPath = (ifname: string) => join(SOCKET_DIR, `${ifname}.sock`);

/** True when something answers on the control socket (a live wireguard-go). */
function socketAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
    setTimeout(() => done(false), 500).unref();
  });
}

export class Tunnels {
  private readonly children = new Map<string, ChildProcess>();
  private kernel: boolean | null = null;
  private managed = new Set<string>();
  private readonly log: Logger;

  constructor(private readonly o: TunnelsOptions) {
    this.log = o.log;
  }

  /** Pids of the wireguard-go children (for tests that must clean up after a crash). */
  pids(): number[] {
    return [...this.children.values()].flatMap((c) => (c.pid ? [c.pid] : []));
  }

  /** Tunnels whose wireguard-go exited since they were made. */
  dead(): string[] {
    return [...this.children]
      .filter(([, c]) => c.exitCode !== null || c.signalCode)
      .map(([n]) => n);
  }

  async reconcile(config: OverlayConfig, key: TunnelKey): Promise<void> {
    const want = new Map(config.paths.map((p) => [p.ifname, p]));
    const linkIndex = new Map(config.links.map((l, i) => [l.id, i]));
    let links = await ipJson<LinkInfo>(["-details", "address", "show"]);
    const present = new Set(links.map((l) => l.ifname));

    for (const l of links)
      if (OURS.test(l.ifname) && !want.has(l.ifname)) await this.remove(l.ifname);
    for (const name of this.managed) if (!want.has(name)) await this.remove(name);
    for (const name of this.dead()) if (want.has(name)) await this.remove(name);

    let created = false;
    for (const p of want.values())
      if (!present.has(p.ifname) || this.dead().includes(p.ifname)) {
        await this.create(p.ifname);
        created = true;
      }
    if (created) links = await ipJson<LinkInfo>(["-details", "address", "show"]);
    this.managed = new Set(want.keys());

    let dump = parseWgDump(await run("wg", ["show", "all", "dump"]));
    // Ports move when paths are added or removed (51820 + index): a tunnel's new port may
    // still be held by another tunnel. Tunnels whose port changes let go of theirs first
    // (listen-port 0: any free port), then every tunnel takes its own.
    const moving = [...want.values()].filter((p) => {
      const have = dump.get(p.ifname);
      return have && have.listenPort !== p.listenPort;
    });
    if (moving.length) {
      for (const p of moving) await run("wg", ["set", p.ifname, "listen-port", "0"]);
      dump = parseWgDump(await run("wg", ["show", "all", "dump"]));
    }
    for (const p of want.values()) {
      const i = linkIndex.get(p.localLink);
      if (i === undefined)
        throw new Error(`path ${p.id}: local link ${p.localLink} is not in links`);
      const args = wgSetArgs(dump.get(p.ifname), {
        publicKey: key.publicKey,
        keyPath: key.path,
        fwmark: linkMark(i),
        path: p,
      });
      if (args.length) {
        await run("wg", ["set", p.ifname, ...args]);
        this.log.info("tunnel configured", { ifname: p.ifname, path: p.id });
      }
    }
    const byName = new Map(links.map((l) => [l.ifname, l]));
    await ipBatch([...want.values()].flatMap((p) => addressLines(p, byName.get(p.ifname))));
  }

  private async create(ifname: string) {
    if (this.kernel !== false) {
      try {
        await ip(["link", "add", ifname, "type", "wireguard"]);
        this.kernel = true;
        this.log.info("tunnel created (kernel WireGuard)", { ifname });
        return;
      } catch (e) {
        // Only a kernel without WireGuard sends us to wireguard-go; "File exists" and the
        // like are errors of their own.
        const noModule = /Unknown device type|not supported|Operation not supported/i.test(
          (e as Error).message,
        );
        if (this.kernel === true || !noModule) throw e;
        this.kernel = false;
        this.log.info("no WireGuard kernel module; using wireguard-go", { ifname });
      }
    }
    await this.spawnUserspace(ifname);
  }

  private async spawnUserspace(ifname: string) {
    const sock = socketPath(ifname);
    if (existsSync(sock)) {
      if (await socketAlive(sock))
        throw new Error(
          `tunnel ${ifname}: another network namespace runs an interface of that name (${sock} is shared by all namespaces)`,
        );
      rmSync(sock, { force: true });
    }
    const dir = this.o.logDir ?? tmpdir();
    mkdirSync(dir, { recursive: true });
    const logPath = join(dir, `wireguard-go-${ifname}.log`);
    const fd = openSync(logPath, "w", 0o600);
    const bin = this.o.wireguardGo ?? "wireguard-go";
    // Detached, output to a file: a tunnel outlives an agent restart, and wireguard-go
    // never writes into a pipe whose reader is gone.
    const child = spawn(bin, ["-f", ifname], {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: { ...process.env, LOG_LEVEL: "error" },
    });
    closeSync(fd);
    child.unref();
    let failure: string | null = null;
    child.once("error", (e) => (failure = `cannot run ${bin}: ${e.message}`));
    child.once("exit", (code, signal) => {
      failure ??= `${bin} exited (${signal ?? code})`;
      if (this.children.get(ifname) === child)
        this.log.warn("wireguard-go exited", { ifname, code, signal });
    });
    this.children.set(ifname, child);
    const until = Date.now() + START_TIMEOUT_MS;
    while (!existsSync(sock)) {
      if (failure) {
        const out = readTail(logPath);
        this.children.delete(ifname);
        throw new Error(`tunnel ${ifname}: ${failure}${out ? `: ${out}` : ""}`);
      }
      if (Date.now() > until) {
        child.kill("SIGKILL");
        this.children.delete(ifname);
        throw new Error(
          `tunnel ${ifname}: wireguard-go did not start within ${START_TIMEOUT_MS} ms`,
        );
      }
      await sleep(10);
    }
    this.log.info("tunnel created (wireguard-go)", { ifname, pid: child.pid });
  }

  private async remove(ifname: string) {
    const child = this.children.get(ifname);
    this.children.delete(ifname);
    this.managed.delete(ifname);
    if (child && child.exitCode === null && !child.signalCode) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(2000)]);
    }
    await ip(["link", "del", ifname]).catch(() => undefined);
    this.log.info("tunnel removed", { ifname });
  }

  /** The interfaces' WireGuard state (handshakes, transfer counters). */
  async dump(): Promise<Map<string, WgInterface>> {
    if (this.managed.size === 0) return new Map();
    return parseWgDump(await run("wg", ["show", "all", "dump"]));
  }

  /** Throws when a path's tunnel is missing or not configured as the path says. */
  async verify(config: OverlayConfig): Promise<void> {
    const wg = await this.dump();
    for (const p of config.paths) {
      const t = wg.get(p.ifname);
      if (!t) throw new Error(`verify: tunnel ${p.ifname} (path ${p.id}) is missing`);
      if (t.listenPort !== p.listenPort)
        throw new Error(
          `verify: tunnel ${p.ifname} listens on ${t.listenPort}, not ${p.listenPort}`,
        );
      if (!t.peers.some((x) => x.publicKey === p.remote.publicKey))
        throw new Error(`verify: tunnel ${p.ifname} does not have the peer of path ${p.id}`);
    }
  }

  /** Removes every tunnel of the agent, also those an earlier run left (and stops their
   * wireguard-go). */
  async teardown(): Promise<void> {
    const left = (await ipJson<LinkInfo>(["link", "show"]))
      .map((l) => l.ifname)
      .filter((n) => OURS.test(n));
    for (const name of new Set([...this.managed, ...this.children.keys(), ...left]))
      await this.remove(name);
  }
}

/** Inner address (nodad), MTU and link up, each only when it differs. */
function addressLines(p: OverlayPath, have: LinkInfo | undefined): string[] {
  const lines: string[] = [];
  const addrs = (have?.addr_info ?? []).filter((a) => a.family === "inet6" && a.scope !== "link");
  const want = canonicalIpv6(p.address);
  for (const a of addrs)
    if (a.local !== want || a.prefixlen !== 64)
      lines.push(`address del ${a.local}/${a.prefixlen} dev ${p.ifname}`);
  if (!addrs.some((a) => a.local === want && a.prefixlen === 64))
    lines.push(`address replace ${want}/64 dev ${p.ifname} nodad`);
  if (have?.mtu !== TUNNEL_MTU) lines.push(`link set dev ${p.ifname} mtu ${TUNNEL_MTU}`);
  if (!have?.flags?.includes("UP")) lines.push(`link set dev ${p.ifname} up`);
  return lines;
}

/** The compressed form `ip` prints ("fd00:0:0::1" → "fd00::1"). */
export function canonicalIpv6(addr: string): string {
  return new URL(`http://[${addr}]`).hostname.slice(1, -1);
}

function readTail(path: string): string {
  try {
    const text = readFileSync(path, "utf8")
      .replace(/[│┌┐└┘─]/g, "")
      .trim();
    return text.split("\n").filter(Boolean).slice(-3).join("; ").slice(0, 300);
  } catch {
    return "";
  }
}
