// Broker bridge: an agent inside a box namespace reaches the control plane that listens on
// 127.0.0.1 in the root namespace (broker, enrollment HTTP) at the same 127.0.0.1:<port>.
//   box ns: 127.0.0.1:<port> (children/bridge-listener.ts) → unix socket <dir>/<port>.sock
//   root ns: <dir>/<port>.sock (this file) → 127.0.0.1:<port>
// Filesystem unix sockets are shared by every network namespace, so nothing else of the
// box's network is touched: the agent's traffic to the control plane never crosses `inet`.
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Netns } from "../../bpf/tests/lib/netns";
import { ToolProcess } from "./child";

export interface Bridge {
  readonly ns: string;
  readonly ports: readonly number[];
  /**
   * The control plane becomes unreachable from the box. `reset` (default): live
   * connections are closed and new ones reset at once; `silent`: live and new connections
   * stay open and get nothing, as behind a dead route. Idempotent.
   */
  cut(how?: "reset" | "silent"): Promise<void>;
  /** Reachable again (connections hung by a silent cut are reset). Idempotent. */
  restore(): Promise<void>;
  /** Stops both ends and removes the sockets. Idempotent. */
  close(): Promise<void>;
}

export async function bridge(
  net: Netns,
  ns: string,
  ports: number[],
  o: { host?: string } = {},
): Promise<Bridge> {
  if (!ports.length) throw new Error("bridge: no ports");
  const host = o.host ?? "127.0.0.1";
  const dir = mkdtempSync(join(tmpdir(), "patronus-bridge-"));
  const path = (port: number) => join(dir, `${port}.sock`);
  const sockets = new Set<Socket>();
  let servers: Server[] = [];

  const track = (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => s.destroy());
  };
  const listen = () =>
    Promise.all(
      ports.map(
        (port) =>
          new Promise<Server>((resolve, reject) => {
            rmSync(path(port), { force: true });
            const server = createServer((box) => {
              const upstream = connect(port, host);
              track(box);
              track(upstream);
              // Clean ends travel through pipe() as FINs; a failed side takes the other down.
              upstream.on("close", (hadError) => hadError && box.destroy());
              box.on("close", (hadError) => hadError && upstream.destroy());
              box.pipe(upstream);
              upstream.pipe(box);
            });
            server.once("error", reject);
            server.listen(path(port), () => resolve(server));
          }),
      ),
    ).then((s) => {
      servers = s;
    });
  const unlisten = async () => {
    const closing = servers.map((s) => new Promise((r) => s.close(r)));
    servers = [];
    for (const s of sockets) s.destroy();
    await Promise.all(closing);
    for (const port of ports) rmSync(path(port), { force: true });
  };

  let tool: ToolProcess | null = null;
  try {
    await listen();
    tool = (
      await ToolProcess.start(net, ns, "bridge-listener", [
        JSON.stringify(ports.map((port) => ({ port, path: path(port) }))),
      ])
    ).tool;
  } catch (e) {
    await unlisten();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const box = tool;
  let cut = false;

  return {
    ns,
    ports,
    async cut(how = "reset") {
      if (how === "silent") await box.request("silence");
      if (!cut) await unlisten();
      cut = true;
    },
    async restore() {
      if (cut) await listen();
      cut = false;
      await box.request("restore");
    },
    async close() {
      await box.stop();
      await unlisten();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
