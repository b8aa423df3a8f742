// Teardown of what runs inside test namespaces besides the helpers' own children: agents,
// the wireguard-go processes they start, and wireguard-go's control sockets, which live in
// the one /var/run/wireguard shared by every namespace and survive a SIGKILL.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { Netns } from "../../bpf/tests/lib/netns";
import { sh } from "../../bpf/tests/lib/netns";

const WG_RUN = "/var/run/wireguard";

/** PIDs of the processes whose network namespace is `ns` (`ip netns pids`). */
export async function pidsIn(ns: string): Promise<number[]> {
  const out = await sh("ip", ["netns", "pids", ns]).catch(() => "");
  return out
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((p) => p > 1 && p !== process.pid);
}

/** Userspace tunnel interfaces (TUN, as wireguard-go makes them) in `ns`. */
export async function tunnelsIn(net: Netns, ns: string): Promise<string[]> {
  const out = await net.exec(ns, "ip", ["-j", "-d", "link", "show"]).catch(() => "[]");
  const links = JSON.parse(out || "[]") as { ifname: string; linkinfo?: { info_kind?: string } }[];
  return links.filter((l) => l.linkinfo?.info_kind === "tun").map((l) => l.ifname);
}

/** Running (a zombie, dead but not yet reaped by its parent, does not count). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    left = left.filter(alive);
  }
  return left;
}

/**
 * Ends every process in `namespaces` (SIGTERM, so wireguard-go removes its own socket;
 * SIGKILL after `graceMs`), then removes the control sockets of the TUN interfaces that
 * lived there. Only names seen in these namespaces are touched: tunnel names are unique
 * per host (docs/overlay.md), so another namespace's tunnel is never hit.
 */
export async function endNamespaceProcesses(
  net: Netns,
  namespaces: string[],
  graceMs = 3000,
): Promise<{ killed: number[]; sockets: string[] }> {
  const tunnels = (await Promise.all(namespaces.map((ns) => tunnelsIn(net, ns)))).flat();
  const pids = [...new Set((await Promise.all(namespaces.map(pidsIn))).flat())];
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {}
  }
  const stubborn = await waitGone(pids, graceMs);
  for (const pid of stubborn) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  const still = await waitGone(stubborn, 2000);
  if (still.length) throw new Error(`processes still alive after SIGKILL: ${still.join(", ")}`);
  const sockets = tunnels.map((t) => `${WG_RUN}/${t}.sock`).filter((path) => existsSync(path));
  for (const path of sockets) rmSync(path, { force: true });
  return { killed: stubborn, sockets };
}

/** Nobody listens on it: connecting is refused (a live socket accepts). */
function stale(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once("connect", () => {
      s.destroy();
      resolve(false);
    });
    s.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
  });
}

/**
 * wireguard-go sockets made since `sinceMs` that nobody listens on any more: what a
 * SIGKILLed wireguard-go leaves behind after its interface is gone (so its name can no
 * longer be found in a namespace). A stale socket is of no use to anyone (wireguard-go
 * replaces one when it starts), so removing another test's is harmless too. Removing a
 * live one would not be (wireguard-go exits when its socket file goes), hence the checks.
 */
export async function removeStaleWgSockets(sinceMs: number): Promise<string[]> {
  if (!existsSync(WG_RUN)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(WG_RUN)) {
    const path = join(WG_RUN, name);
    if (!name.endsWith(".sock")) continue;
    try {
      const { mtimeMs } = statSync(path);
      if (mtimeMs < sinceMs - 1000) continue;
      // A younger socket may be between bind() and listen(): judge it when a second old.
      const young = mtimeMs + 1000 - Date.now();
      if (young > 0) await new Promise((r) => setTimeout(r, young));
      if (!(await stale(path))) continue;
      rmSync(path, { force: true });
      removed.push(path);
    } catch {} // gone meanwhile
  }
  return removed;
}
