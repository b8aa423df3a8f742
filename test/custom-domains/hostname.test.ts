import { describe, expect, it } from "vitest";
import { normaliseHostname } from "../../server/domains/custom-domains/hostname";
import { parseDnsServers } from "../../server/platform/dns/servers";
import { env } from "../../server/platform/env";
import { parseTrustedProxies } from "../../server/platform/http/client-ip";
import { resolveRequestHost } from "../../server/platform/http/request-host";

describe("hostnames a domain may have", () => {
  it("normalises case, a trailing dot and internationalised names (punycode)", () => {
    expect(normaliseHostname(" Portal.Example.COM. ")).toEqual({ hostname: "portal.example.com" });
    expect(normaliseHostname("bücher.example")).toEqual({ hostname: "xn--bcher-kva.example" });
  });

  it.each([
    ["", "Enter a hostname"],
    ["https://portal.example.com", "without https://"],
    ["portal.example.com/x", "without https://"],
    ["192.0.2.1", "IP address"],
    ["[2001:db8::1]", "IP address"],
    ["portal.example.com:8443", "port"],
    ["localhost", "full domain name"],
    ["app.localhost", "localhost"],
    ["example", "full domain name"],
    [`${"a".repeat(64)}.example.com`, "at most 63"],
    [`${"a.".repeat(127)}com`, "At most 253"],
    ["-bad.example.com", "hyphen"],
    ["under_score.example.com", "hyphen"],
    ["portal.example.123", "not a valid domain"],
    ["localhost.", "full domain name"],
  ])("refuses %j", (text, problem) => {
    const result = normaliseHostname(text);
    expect(result.problem).toContain(problem);
  });

  it("refuses the portal's own host", () => {
    const saved = env.APP_URL;
    Object.assign(env, { APP_URL: "https://app.patronus.example" });
    try {
      expect(normaliseHostname("App.Patronus.example").problem).toContain("portal's own");
    } finally {
      Object.assign(env, { APP_URL: saved });
    }
  });
});

describe("DNS_SERVERS", () => {
  it("takes ip, ip:port and bracketed IPv6", () => {
    expect(parseDnsServers(" 192.0.2.1, 127.0.0.1:5353,[2001:db8::1]:53, 2001:db8::2")).toEqual([
      "192.0.2.1",
      "127.0.0.1:5353",
      "[2001:db8::1]:53",
      "2001:db8::2",
    ]);
    expect(parseDnsServers("")).toEqual([]);
  });

  it.each(["dns.example.com", "127.0.0.1:0", "127.0.0.1:70000", "[192.0.2.1]", "1.2.3"])(
    "refuses %j",
    (spec) => expect(() => parseDnsServers(spec)).toThrow("DNS_SERVERS"),
  );
});

describe("the request's host", () => {
  const none = parseTrustedProxies("");
  const lb = parseTrustedProxies("10.0.0.0/8");
  it("is the Host header unless a trusted proxy forwards one", () => {
    expect(resolveRequestHost("203.0.113.9", "Portal.A.test:3000", undefined, none)).toBe(
      "portal.a.test:3000",
    );
    // A client's own X-Forwarded-Host is never believed.
    expect(resolveRequestHost("203.0.113.9", "app.test", "portal.b.test", none)).toBe("app.test");
    expect(resolveRequestHost("203.0.113.9", "app.test", "portal.b.test", lb)).toBe("app.test");
    // From the trusted balancer: the right-most entry, the one it wrote.
    expect(resolveRequestHost("10.1.2.3", "app.test", "evil.test, portal.b.test", lb)).toBe(
      "portal.b.test",
    );
    expect(resolveRequestHost("203.0.113.9", "bad host!", undefined, none)).toBe("");
  });
});
