// A Redis Cluster of a test's own: three (or more) masters, with or without a replica
// each, on free loopback ports, their files in a temporary directory. Made the way an operator makes one
// (`redis-server --cluster-enabled yes` per node, then `redis-cli --cluster create`), so the
// slot map, MOVED redirections and CROSSSLOT refusals are the real ones.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Cluster, Redis } from "ioredis";
import { freePort } from "../../server/platform/free-port";
import { until } from "../wait";

const run = promisify(execFile);
const HOST = "127.0.0.1";

interface ClusterNode {
  port: number;
  busPort: number;
  dir: string;
  child: ChildProcess;
  exited: Promise<unknown>;
  nodeTimeoutMs: number;
}

export class TestRedisCluster {
  private constructor(
    readonly dir: string,
    private readonly members: ClusterNode[],
  ) {}

  /** The seed list, as REDIS_CLUSTER_NODES takes it. */
  get nodes() {
    return this.members.map((n) => `${HOST}:${n.port}`).join(",");
  }

  get ports() {
    return this.members.map((n) => n.port);
  }

  /**
   * Starts `masters` nodes and `replicas` replicas of each, joins them into one cluster, and
   * waits until it serves every slot. `nodeTimeoutMs` (cluster-node-timeout, default 5 s):
   * how long a master may be silent before its replica takes over.
   */
  static async start(o: { masters?: number; replicas?: number; nodeTimeoutMs?: number } = {}) {
    const dir = mkdtempSync(join(tmpdir(), "patronus-redis-cluster-"));
    const cluster = new TestRedisCluster(dir, []);
    const replicas = o.replicas ?? 0;
    try {
      for (let i = 0; i < (o.masters ?? 3) * (1 + replicas); i++)
        cluster.members.push(await startNode(join(dir, `node-${i}`), o.nodeTimeoutMs ?? 5_000));
      await Promise.all(cluster.members.map((n) => answering(n)));
      await run("redis-cli", [
        "--cluster",
        "create",
        ...cluster.members.map((n) => `${HOST}:${n.port}`),
        "--cluster-replicas",
        String(replicas),
        "--cluster-yes",
      ]);
      await until("every cluster node to serve all 16384 slots", () => cluster.healthy(), {
        timeoutMs: 60_000,
        everyMs: 100,
      });
      return cluster;
    } catch (error) {
      const logs = cluster.members.map((n) => tail(join(n.dir, "redis.log"))).join("\n");
      await cluster.stop();
      throw new Error(`Redis Cluster did not start: ${(error as Error).message}\n${logs}`);
    }
  }

  /**
   * True when every running node sees the cluster as ok, with every slot and every node
   * known (a killed node stays known, as failed, until it comes back).
   */
  async healthy() {
    const infos = await Promise.all(
      this.members.filter(running).map((n) => command(n.port, "CLUSTER", "INFO").catch(() => "")),
    );
    return infos.every(
      (info) =>
        /cluster_state:ok/.test(info) &&
        /cluster_slots_ok:16384/.test(info) &&
        new RegExp(`cluster_known_nodes:${this.members.length}\\b`).test(info),
    );
  }

  /** The port of the master that serves `key`'s slot now. */
  async masterOf(key: string): Promise<number> {
    const port = this.members.find(running)?.port;
    if (!port) throw new Error("no node of the cluster runs");
    const slot = Number(await command(port, "CLUSTER", "KEYSLOT", key));
    const ranges = await slotsOf(port);
    const owner = ranges.find(([lo, hi]) => slot >= lo && slot <= hi);
    if (!owner) throw new Error(`no master serves slot ${slot}`);
    return owner[2];
  }

  /** Ports of the masters now (the nodes that serve slots). */
  async masters(): Promise<number[]> {
    const port = this.members.find(running)?.port;
    if (!port) throw new Error("no node of the cluster runs");
    return [...new Set((await slotsOf(port)).map((r) => r[2]))];
  }

  /** SIGKILLs the node on `port` (a crash); its files stay, for restart(). */
  async killNode(port: number) {
    const node = this.member(port);
    if (running(node)) node.child.kill("SIGKILL");
    await node.exited;
  }

  /** Starts the node on `port` again, from its nodes.conf: it rejoins the cluster. */
  async restartNode(port: number) {
    const node = this.member(port);
    if (running(node)) return;
    const again = await startNode(node.dir, node.nodeTimeoutMs, node.port, node.busPort);
    this.members[this.members.indexOf(node)] = again;
    await answering(again);
  }

  private member(port: number) {
    const node = this.members.find((n) => n.port === port);
    if (!node) throw new Error(`no node of this cluster on port ${port}`);
    return node;
  }

  /** A plain cluster client for a test's own look at the data; the caller quits it. */
  client() {
    return new Cluster(
      this.members.map((n) => ({ host: HOST, port: n.port })),
      { redisOptions: { maxRetriesPerRequest: 1 } },
    );
  }

  /** Kills every node (SIGKILL: an outage, not a shutdown); stop() still removes the files. */
  async kill() {
    await Promise.all(
      this.members.map(async (n) => {
        if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill("SIGKILL");
        await n.exited;
      }),
    );
  }

  /** Stops every node (SIGTERM, then SIGKILL after a grace period) and removes its files. */
  async stop() {
    await Promise.all(
      this.members.splice(0).map(async (n) => {
        if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill("SIGTERM");
        const late = setTimeout(() => n.child.kill("SIGKILL"), 5_000);
        await n.exited;
        clearTimeout(late);
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const running = (n: ClusterNode) => n.child.exitCode === null && n.child.signalCode === null;

/** [first slot, last slot, master port] of every slot range, as `port` sees them. */
async function slotsOf(port: number): Promise<[number, number, number][]> {
  const redis = new Redis(port, HOST, { lazyConnect: true, maxRetriesPerRequest: 0 });
  redis.on("error", () => {});
  try {
    await redis.connect();
    const slots = (await redis.call("CLUSTER", "SLOTS")) as [number, number, [string, number]][];
    return slots.map(([lo, hi, master]) => [lo, hi, master[1]]);
  } finally {
    redis.disconnect();
  }
}

async function startNode(
  dir: string,
  nodeTimeoutMs: number,
  ...ports: [number, number] | []
): Promise<ClusterNode> {
  mkdirSync(dir, { recursive: true });
  const port = ports[0] ?? (await freePort());
  let busPort = ports[1] ?? (await freePort());
  while (busPort === port) busPort = await freePort();
  // no persistence: a test's cluster holds nothing worth keeping.
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--cluster-port",
      String(busPort),
      "--bind",
      HOST,
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      join(dir, "nodes.conf"),
      "--cluster-node-timeout",
      String(nodeTimeoutMs),
      "--dir",
      dir,
      "--logfile",
      join(dir, "redis.log"),
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    { stdio: "ignore" },
  );
  const exited = new Promise((r) => child.once("exit", r));
  // A test process that dies without its clean-ups must not leave servers behind.
  const orphanGuard = () => child.kill("SIGKILL");
  process.once("exit", orphanGuard);
  void exited.then(() => process.off("exit", orphanGuard));
  return { port, busPort, dir, child, exited, nodeTimeoutMs };
}

async function answering(node: ClusterNode) {
  await until(`redis-server on port ${node.port} to answer`, async () => {
    if (node.child.exitCode !== null)
      throw new Error(`redis-server on port ${node.port} exited ${node.child.exitCode}`);
    return (await command(node.port, "PING").catch(() => "")) === "PONG";
  });
}

/** One command to one node, on a connection of its own that does not retry. */
async function command(port: number, ...args: string[]): Promise<string> {
  const redis = new Redis(port, HOST, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return String(await redis.call(args[0] as string, ...args.slice(1)));
  } finally {
    redis.disconnect();
  }
}

function tail(file: string) {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "";
  }
}
