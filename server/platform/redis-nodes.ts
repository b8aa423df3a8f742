import { isIP } from "node:net";

/** A Redis Cluster to connect to: its seed nodes, and what every node is reached with. */
export interface RedisClusterSpec {
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  tls: boolean;
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Parses REDIS_CLUSTER_NODES: empty (no cluster: REDIS_URL is one Redis), or seed nodes of a
 * Redis Cluster separated by commas, each `host:port`, `[ipv6]:port` or a
 * `redis://[user:password@]host:port` / `rediss://…` URL. The client learns the other nodes
 * from these, and connects to every node alike, so URL entries must agree on scheme and
 * credentials (a cluster has one ACL per node, but a client one set of options). Throws
 * naming the bad entry.
 */
export function parseRedisClusterNodes(spec: string | undefined): RedisClusterSpec | null {
  const entries = (spec ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  const parsed = entries.map(parseEntry);
  const [first] = parsed as [Entry, ...Entry[]];
  const access = (e: Entry) => JSON.stringify([e.tls, e.username ?? "", e.password ?? ""]);
  const url = parsed.find((e) => e.fromUrl) ?? first;
  const odd = parsed.find((e) => e.fromUrl && access(e) !== access(url));
  if (odd)
    throw new Error(
      `REDIS_CLUSTER_NODES: "${odd.entry}" uses another scheme or other credentials than "${url.entry}"; every node is reached alike`,
    );
  return {
    nodes: parsed.map(({ host, port }) => ({ host, port })),
    ...(url.username ? { username: url.username } : {}),
    ...(url.password ? { password: url.password } : {}),
    tls: url.tls,
  };
}

interface Entry {
  entry: string;
  host: string;
  port: number;
  fromUrl: boolean;
  tls: boolean;
  username?: string;
  password?: string;
}

function parseEntry(entry: string): Entry {
  const bad = (why: string) =>
    new Error(
      `REDIS_CLUSTER_NODES: "${entry}" ${why} (host:port, [ipv6]:port or redis[s]://[user:password@]host:port, comma-separated)`,
    );
  if (entry.includes("://")) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw bad("is not a URL");
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:")
      throw bad("is not a redis:// or rediss:// URL");
    // A cluster has database 0 only.
    if (!["", "/", "/0"].includes(url.pathname) || url.search || url.hash)
      throw bad("names a database or options; a cluster has database 0 only");
    const { host, port } = hostPort(`${url.hostname}:${url.port || "6379"}`, bad);
    return {
      entry,
      host,
      port,
      fromUrl: true,
      tls: url.protocol === "rediss:",
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
    };
  }
  return { entry, ...hostPort(entry, bad), fromUrl: false, tls: false };
}

function hostPort(text: string, bad: (why: string) => Error) {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!match) throw bad("is not host:port");
  const host = (match[1] ?? match[2]) as string;
  const port = Number(match[3]);
  if (port < 1 || port > 65_535) throw bad("has no valid port");
  if (match[1] !== undefined ? isIP(host) !== 6 : !isIP(host) && !HOSTNAME.test(host))
    throw bad("has no valid host");
  return { host, port };
}
