// Network namespaces for integration tests. Every name starts with a per-run
// random prefix; destroy() removes them (and with them their veths) even after
// failures. `nsenter --net` keeps the host's /sys, so bpffs pins stay visible.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function sh(cmd: string, args: string[]): Promise<string> {
  const { stdout } = await run(cmd, args, { maxBuffer: 16 << 20 });
  return stdout;
}

export class Netns {
  readonly prefix = `pt${randomBytes(3).toString("hex")}`;
  private created: string[] = [];
  private children: ChildProcess[] = [];

  name(short: string): string {
    return `${this.prefix}${short}`;
  }

  async add(short: string): Promise<string> {
    const ns = this.name(short);
    await sh("ip", ["netns", "add", ns]);
    this.created.push(ns);
    await this.exec(ns, "ip", ["link", "set", "lo", "up"]);
    return ns;
  }

  exec(ns: string, cmd: string, args: string[]): Promise<string> {
    return sh("nsenter", [`--net=/var/run/netns/${ns}`, cmd, ...args]);
  }

  spawn(ns: string, cmd: string, args: string[]): ChildProcess {
    const child = spawn("nsenter", [`--net=/var/run/netns/${ns}`, cmd, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.children.push(child);
    return child;
  }

  /** veth pair a<->b with addresses, each end in its namespace. */
  async link(
    a: [ns: string, ifname: string, cidr: string],
    b: [ns: string, ifname: string, cidr: string],
  ) {
    const tmpA = `${this.prefix}a${this.created.length}${randomBytes(1).toString("hex")}`;
    const tmpB = `${this.prefix}b${this.created.length}${randomBytes(1).toString("hex")}`;
    await sh("ip", ["link", "add", tmpA, "type", "veth", "peer", "name", tmpB]);
    for (const [[ns, ifname, cidr], tmp] of [
      [a, tmpA],
      [b, tmpB],
    ] as const) {
      await sh("ip", ["link", "set", tmp, "netns", ns]);
      await this.exec(ns, "ip", ["link", "set", tmp, "name", ifname]);
      await this.exec(ns, "ip", ["addr", "add", cidr, "dev", ifname]);
      await this.exec(ns, "ip", ["link", "set", ifname, "up"]);
    }
  }

  async destroy(): Promise<void> {
    for (const c of this.children) if (c.exitCode === null) c.kill("SIGKILL");
    for (const ns of this.created.reverse())
      await sh("ip", ["netns", "del", ns]).catch(() => undefined);
    this.created = [];
  }
}

/** TCP server: every connection gets "<localAddr>:<localPort> <remoteAddr>:<remotePort>\n"
 * and then one such line per line it receives (so a test can probe a live connection). */
export const SERVER_JS = `
const net = require("node:net");
const ports = process.argv.slice(1).map(Number);
let up = 0;
for (const p of ports) net.createServer((s) => {
  const id = () => s.localAddress.replace("::ffff:", "") + ":" + s.localPort + " " + s.remoteAddress.replace("::ffff:", "") + ":" + s.remotePort + "\\n";
  s.write(id());
  s.on("data", () => s.write(id()));
  s.on("error", () => {});
}).listen(p, "0.0.0.0", () => { if (++up === ports.length) console.log("ready"); });
`;

/** Connects `count` times sequentially; prints one JSON array of first lines (or errors). */
export const CLIENT_JS = `
const net = require("node:net");
const [host, port, count, timeout] = process.argv.slice(1);
const one = () => new Promise((res) => {
  const s = net.connect({ host, port: Number(port) });
  const t = setTimeout(() => { s.destroy(); res("timeout"); }, Number(timeout));
  s.once("data", (d) => { clearTimeout(t); s.end(); res(String(d).trim()); });
  s.once("error", (e) => { clearTimeout(t); res("error " + e.code); });
});
(async () => { const out = []; for (let i = 0; i < Number(count); i++) out.push(await one()); console.log(JSON.stringify(out)); })();
`;

export async function startServer(net: Netns, ns: string, ports: number[]): Promise<ChildProcess> {
  const child = net.spawn(ns, process.execPath, ["-e", SERVER_JS, ...ports.map(String)]);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (c) => reject(new Error(`server exited ${c}`)));
  });
  return child;
}

export async function connectMany(
  net: Netns,
  ns: string,
  host: string,
  port: number,
  count = 1,
  timeoutMs = 2000,
): Promise<string[]> {
  const out = await net.exec(ns, process.execPath, [
    "-e",
    CLIENT_JS,
    host,
    String(port),
    String(count),
    String(timeoutMs),
  ]);
  return JSON.parse(out) as string[];
}
