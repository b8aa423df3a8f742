import { lookup as dnsLookup } from "node:dns/promises";
import type { BlockList } from "node:net";
import { isIP } from "node:net";
import { refusedAddress } from "./address-policy";

/** Resolves a host name to every address it has (dns.lookup's shape; tests inject one). */
export type Lookup = (host: string) => Promise<{ address: string; family: number }[]>;

export const systemLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

export class RefusedTarget extends Error {
  override name = "RefusedTarget";
}

/**
 * The address to connect to for `url`, after checking every address its host names or
 * resolves to: one refused address refuses the URL (a name that resolves to a public and
 * a private address could be answered either way).
 */
export async function resolveTarget(
  url: URL,
  opts: { allow?: BlockList; lookup?: Lookup } = {},
): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const literal = isIP(host);
  const addresses = literal
    ? [{ address: host, family: literal }]
    : await (opts.lookup ?? systemLookup)(host).catch((error: Error) => {
        throw new RefusedTarget(`cannot resolve ${host}: ${error.message}`);
      });
  if (addresses.length === 0) throw new RefusedTarget(`${host} has no address`);
  for (const { address } of addresses) {
    const why = refusedAddress(address, opts.allow);
    if (why)
      throw new RefusedTarget(
        `${literal ? address : `${host} resolves to ${address}`}: ${why}; webhooks are not delivered there (an operator can allow it with WEBHOOK_ALLOW_CIDRS)`,
      );
  }
  const first = addresses[0] as { address: string; family: number };
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
