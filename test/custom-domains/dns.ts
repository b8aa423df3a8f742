// A test file's local DNS server, with DNS_SERVERS pointed at it while the file runs.
import { afterAll, beforeAll } from "vitest";
import { env } from "../../server/platform/env";
import { startDnsServer, type TestDnsServer } from "../../testkit/dns-server";

export function useDnsServer() {
  const holder = {} as { dns: TestDnsServer };
  const saved = { DNS_SERVERS: env.DNS_SERVERS, DNS_TIMEOUT_MS: env.DNS_TIMEOUT_MS };
  beforeAll(async () => {
    holder.dns = await startDnsServer();
    Object.assign(env, { DNS_SERVERS: holder.dns.address, DNS_TIMEOUT_MS: 1_000 });
  });
  afterAll(async () => {
    Object.assign(env, saved);
    await holder.dns.close();
  });
  return holder;
}
