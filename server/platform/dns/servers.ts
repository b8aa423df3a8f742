import { isIP } from "node:net";

/**
 * Parses DNS_SERVERS: empty (the system's resolvers), or a comma-separated list of
 * `ip`, `ip:port`, `[ipv6]` or `[ipv6]:port`. Returns the entries in the form node:dns's
 * `Resolver#setServers` takes; throws naming the bad entry.
 */
export function parseDnsServers(spec: string | undefined): string[] {
  const entries = (spec ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  return entries.map((entry) => {
    const bad = () =>
      new Error(`DNS_SERVERS: "${entry}" is not an address (ip, ip:port, [ipv6] or [ipv6]:port)`);
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    const v4 = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(entry);
    const [address, port] = bracketed
      ? [bracketed[1] as string, bracketed[2]]
      : v4
        ? [v4[1] as string, v4[2]]
        : [entry, undefined];
    const family = isIP(address);
    if (!family || (bracketed && family !== 6)) throw bad();
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) throw bad();
    const host = family === 6 ? `[${address}]` : address;
    return port ? `${host}:${Number(port)}` : address;
  });
}
