import { Resolver } from "node:dns/promises";
import { env } from "../env";
import { parseDnsServers } from "./servers";

/** What a TXT lookup found: the records' texts, or why there are none. */
export type TxtAnswer =
  | { kind: "records"; texts: string[] }
  | { kind: "none" | "nxdomain" | "timeout" | "error"; message: string };

/**
 * The TXT records of `name`, through DNS_SERVERS (or the system's resolvers). One try and
 * a deadline of DNS_TIMEOUT_MS: a resolver that never answers gives "timeout", never a
 * hang. Each record's strings are joined (a long TXT record is split into 255-byte strings).
 */
export async function lookupTxt(name: string): Promise<TxtAnswer> {
  const resolver = new Resolver({ timeout: env.DNS_TIMEOUT_MS, tries: 1 });
  const servers = parseDnsServers(env.DNS_SERVERS);
  if (servers.length) resolver.setServers(servers);
  // c-ares times out per server; this bounds the whole lookup whatever the server count.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), env.DNS_TIMEOUT_MS * (servers.length || 1) + 500);
  });
  try {
    const result = await Promise.race([resolver.resolveTxt(name), deadline]);
    if (result === "timeout") {
      resolver.cancel();
      return timeout(name);
    }
    return { kind: "records", texts: result.map((chunks) => chunks.join("")) };
  } catch (error) {
    return failure(name, (error as NodeJS.ErrnoException).code);
  } finally {
    clearTimeout(timer);
  }
}

function timeout(name: string): TxtAnswer {
  return { kind: "timeout", message: `The DNS server did not answer in time for ${name}` };
}

function failure(name: string, code: string | undefined): TxtAnswer {
  switch (code) {
    case "ENODATA":
      return { kind: "none", message: `${name} has no TXT record` };
    case "ENOTFOUND":
      return { kind: "nxdomain", message: `${name} does not exist in DNS (NXDOMAIN)` };
    case "ETIMEOUT":
    case "ECANCELLED":
      return timeout(name);
    default:
      return { kind: "error", message: `The DNS lookup of ${name} failed (${code ?? "error"})` };
  }
}
