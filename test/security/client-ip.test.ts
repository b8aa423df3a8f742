// Class 3 of the hardening issue: the client address is the socket's unless TRUSTED_PROXIES
// names the proxies in front, and then the right-most untrusted X-Forwarded-For entry. The
// portal server stamps it on every request (e2e/security-http.spec.ts shows a spoofed
// header changing nothing over real HTTP). Before the fix the first X-Forwarded-For entry,
// which any client writes, was taken as the address.
import { describe, expect, it } from "vitest";
import {
  CLIENT_IP_HEADER,
  clientIp,
  parseTrustedProxies,
  resolveClientAddress,
} from "../../server/platform/http/client-ip";
import { refusal } from "../../server/platform/http/portal-server";

const none = parseTrustedProxies("");

describe("the client address", () => {
  it("is the socket's when no proxy is trusted, whatever the headers say", () => {
    expect(resolveClientAddress("203.0.113.7", "1.2.3.4", none)).toBe("203.0.113.7");
    expect(resolveClientAddress("203.0.113.7", ["1.2.3.4", "5.6.7.8"], none)).toBe("203.0.113.7");
    expect(resolveClientAddress("::ffff:203.0.113.7", undefined, none)).toBe("203.0.113.7");
    expect(resolveClientAddress("2001:DB8::1", undefined, none)).toBe("2001:db8::1");
    expect(resolveClientAddress(undefined, "1.2.3.4", none)).toBe("unknown");
  });

  it("with a hop count, is the entry that many hops from the socket", () => {
    const one = parseTrustedProxies("1");
    // The load balancer (socket 10.0.0.2) appended what it saw: 198.51.100.9.
    expect(resolveClientAddress("10.0.0.2", "6.6.6.6, 198.51.100.9", one)).toBe("198.51.100.9");
    expect(resolveClientAddress("10.0.0.2", "198.51.100.9", one)).toBe("198.51.100.9");
    const two = parseTrustedProxies("2");
    expect(resolveClientAddress("10.0.0.2", "6.6.6.6, 198.51.100.9, 10.0.0.3", two)).toBe(
      "198.51.100.9",
    );
    // Fewer entries than hops: the left-most one, never beyond.
    expect(resolveClientAddress("10.0.0.2", "", two)).toBe("10.0.0.2");
  });

  it("with CIDRs, is the right-most entry outside them", () => {
    const cidrs = parseTrustedProxies("10.0.0.0/8, 127.0.0.1, fd00::/8");
    expect(resolveClientAddress("10.1.2.3", "6.6.6.6, 198.51.100.9, 10.9.9.9", cidrs)).toBe(
      "198.51.100.9",
    );
    expect(resolveClientAddress("::ffff:127.0.0.1", "2001:db8::5", cidrs)).toBe("2001:db8::5");
    // A socket that is not a trusted proxy is the client, whatever it forwarded.
    expect(resolveClientAddress("198.51.100.50", "6.6.6.6", cidrs)).toBe("198.51.100.50");
    // Only trusted hops: the left-most.
    expect(resolveClientAddress("10.1.2.3", "10.4.4.4", cidrs)).toBe("10.4.4.4");
  });

  it("never takes a malformed entry as the address", () => {
    const one = parseTrustedProxies("1");
    expect(resolveClientAddress("10.0.0.2", "not-an-ip", one)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.0.0.2", "1.2.3.4, <script>", one)).toBe("10.0.0.2");
    const cidrs = parseTrustedProxies("10.0.0.0/8");
    expect(resolveClientAddress("10.0.0.2", "'; DROP TABLE", cidrs)).toBe("10.0.0.2");
  });

  it("is read only from the header the portal server stamps", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "1.2.3.4" }))).toBe("unknown");
    expect(clientIp(new Headers({ [CLIENT_IP_HEADER]: "198.51.100.9" }))).toBe("198.51.100.9");
    expect(clientIp(new Headers({ [CLIENT_IP_HEADER]: "not an address" }))).toBe("unknown");
  });

  it("counts an IPv6 client by its /64, so rotating the low bits gives no fresh budget", () => {
    const of = (address: string) => clientIp(new Headers({ [CLIENT_IP_HEADER]: address }));
    expect(of("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(of("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(of("2001:0db8:0001:0002:ffff::9")).toBe("2001:db8:1:2::/64");
    expect(of("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(of("::1")).toBe("0:0:0:0::/64");
    expect(of("2001:db8:1:3::1")).not.toBe(of("2001:db8:1:2::1"));
  });

  it("drops the port a proxy appended to an entry", () => {
    const one = parseTrustedProxies("1");
    expect(resolveClientAddress("10.0.0.2", "198.51.100.9:51234", one)).toBe("198.51.100.9");
    expect(resolveClientAddress("10.0.0.2", "[2001:db8::7]:443", one)).toBe("2001:db8::7");
  });
});

describe("requests the portal server refuses before Next (400, not a 500)", () => {
  const req = (url: string, headers: Record<string, string> = {}) => refusal({ url, headers });

  it.each(["/o/%ED%A0%80/sites", "/o/acme%ff/sites", "/%E0%A4%A", "/o/%00x/sites", "/a%1bb"])(
    "refuses the path %s",
    (url) => {
      expect(req(url)).toMatch(/path/);
    },
  );

  it("takes ordinary paths, and leaves the query to the routes", () => {
    for (const url of ["/", "/o/acme/sites?x=%ff", "/o/caf%C3%A9/sites", "/api/trpc/a,b?batch=1"])
      expect(req(url)).toBeNull();
  });

  it("refuses a malformed router-state header", () => {
    expect(req("/sign-in", { "next-router-state-tree": "x" })).toMatch(/Router-State/);
    expect(req("/sign-in", { "next-router-state-tree": "%7B%7D" })).toMatch(/Router-State/);
    const ok = encodeURIComponent(JSON.stringify(["", { children: ["__PAGE__", {}] }]));
    expect(req("/sign-in", { "next-router-state-tree": ok })).toBeNull();
  });
});

describe("TRUSTED_PROXIES", () => {
  it.each(["banana", "10.0.0.0/33", "10.0.0.0/8/1", "::1/129", "1,", "33", "10.0.0.0/-1"])(
    "refuses %j",
    (spec) => {
      expect(() => parseTrustedProxies(spec)).toThrow(/TRUSTED_PROXIES/);
    },
  );

  it("takes empty and 0 as no proxy", () => {
    expect(parseTrustedProxies("").kind).toBe("none");
    expect(parseTrustedProxies(" 0 ").kind).toBe("none");
  });
});
