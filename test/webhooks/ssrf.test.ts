// Where webhooks may not go: the address forms a URL can take, names that resolve to
// private addresses (a lookup of the test's own stands in for DNS), and the operator's
// allow list. Pure: no network.
import { describe, expect, it } from "vitest";
import { refusedAddress } from "../../server/domains/webhooks/delivery/address-policy";
import { type Lookup, resolveTarget } from "../../server/domains/webhooks/delivery/resolve-target";
import { urlProblem } from "../../server/domains/webhooks/schemas";
import { parseCidrList } from "../../server/platform/http/cidr";

const noDns: Lookup = async (host) => {
  throw new Error(`no DNS in this test (asked for ${host})`);
};
const dns =
  (answers: Record<string, string[]>): Lookup =>
  async (host) =>
    (answers[host] ?? []).map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

const refused = (url: string, lookup: Lookup = noDns, allow?: string) =>
  resolveTarget(new URL(url), {
    lookup,
    allow: allow === undefined ? undefined : parseCidrList(allow, "test"),
  }).then(
    () => "",
    (e: Error) => e.message,
  );

describe("SSRF refusal", () => {
  it.each([
    ["http://127.0.0.1/", "loopback"],
    ["http://2130706433/", "loopback"], // decimal
    ["http://017700000001/", "loopback"], // octal
    ["http://0x7f000001/", "loopback"], // hex
    ["http://0x7f.0.0.1/", "loopback"],
    ["http://127.1/", "loopback"], // short form
    ["http://0/", "unspecified"],
    ["http://0.0.0.0:8080/", "unspecified"],
    ["http://[::1]/", "loopback"],
    ["http://[::]/", "unspecified"],
    ["http://[::ffff:127.0.0.1]/", "loopback"], // IPv4-mapped
    ["http://[::ffff:7f00:1]/", "loopback"],
    ["http://[::ffff:10.1.2.3]/", "private"],
    ["http://10.0.0.1/", "private"],
    ["http://172.16.5.4/", "private"],
    ["http://172.31.255.255/", "private"],
    ["http://192.168.1.1/", "private"],
    ["http://100.64.0.1/", "carrier-grade NAT"],
    ["http://169.254.169.254/latest/meta-data/", "link-local"],
    ["http://[fd00:ec2::254]/", "unique local"],
    ["http://[fc00::1]/", "unique local"],
    ["http://[fe80::1]/", "link-local"],
    ["http://224.0.0.1/", "multicast"],
    ["http://[ff02::1]/", "multicast"],
    ["http://255.255.255.255/", "reserved"],
    ["http://[64:ff9b::7f00:1]/", "NAT64"],
    ["http://[2002:7f00:1::]/", "6to4"],
    ["http://[::127.0.0.1]/", "IPv4-compatible"],
  ])("refuses %s (%s)", async (url, kind) => {
    expect(await refused(url)).toContain(kind);
  });

  it("refuses names that resolve to a refused address, also when one of several does", async () => {
    const lookup = dns({
      localhost: ["127.0.0.1", "::1"],
      "app.localhost": ["127.0.0.1"],
      "internal.example.com": ["10.0.0.5"],
      "metadata.example.com": ["169.254.169.254"],
      "rebind.example.com": ["93.184.216.34", "127.0.0.1"],
      "v6.example.com": ["fd00:ec2::254"],
      "mapped.example.com": ["::ffff:192.168.0.1"],
    });
    expect(await refused("http://localhost:3000/", lookup)).toMatch(
      /localhost resolves to 127.0.0.1: a loopback/,
    );
    expect(await refused("http://app.localhost/", lookup)).toMatch(/loopback/);
    expect(await refused("https://internal.example.com/", lookup)).toMatch(/10.0.0.5: a private/);
    expect(await refused("https://metadata.example.com/", lookup)).toMatch(/link-local/);
    expect(await refused("https://rebind.example.com/", lookup)).toMatch(/127.0.0.1: a loopback/);
    expect(await refused("https://v6.example.com/", lookup)).toMatch(/unique local/);
    expect(await refused("https://mapped.example.com/", lookup)).toMatch(/private/);
    expect(await refused("https://nowhere.example.com/", lookup)).toMatch(/has no address/);
    expect(await refused("https://broken.example.com/", noDns)).toMatch(/cannot resolve/);
  });

  it("accepts public addresses, and connects to the one it checked", async () => {
    const lookup = dns({ "hooks.example.com": ["93.184.216.34"] });
    await expect(
      resolveTarget(new URL("https://hooks.example.com/x"), { lookup }),
    ).resolves.toEqual({
      address: "93.184.216.34",
      family: 4,
    });
    expect(await refused("http://8.8.8.8/")).toBe("");
    expect(await refused("http://[2606:4700:4700::1111]/")).toBe("");
    expect(await refused("http://[::ffff:8.8.8.8]/")).toBe("");
  });

  it("lets the operator allow CIDRs (WEBHOOK_ALLOW_CIDRS), and nothing more", async () => {
    expect(await refused("http://127.0.0.1:9000/", noDns, "127.0.0.1/32")).toBe("");
    expect(await refused("http://[::ffff:127.0.0.1]/", noDns, "127.0.0.1/32")).toBe("");
    expect(await refused("http://127.0.0.2/", noDns, "127.0.0.1/32")).toMatch(/loopback/);
    expect(await refused("http://10.1.2.3/", noDns, "10.1.2.0/24")).toBe("");
    expect(await refused("http://10.1.3.3/", noDns, "10.1.2.0/24")).toMatch(/private/);
    expect(refusedAddress("fd00::1", parseCidrList("fd00::/64", "test"))).toBeUndefined();
  });

  it("refuses bad URLs when an endpoint is created", () => {
    expect(urlProblem("https://hooks.example.com/patronus")).toBeUndefined();
    expect(urlProblem("http://hooks.example.com:8080/x?y=1")).toBeUndefined();
    expect(urlProblem("gopher://hooks.example.com/")).toMatch(/https/);
    expect(urlProblem("file:///etc/passwd")).toMatch(/https/);
    expect(urlProblem("https://admin:secret@hooks.example.com/")).toMatch(/credentials/);
    expect(urlProblem("https://:secret@hooks.example.com/")).toMatch(/credentials/);
    expect(urlProblem("hooks.example.com/x")).toMatch(/full URL/);
    expect(urlProblem("http://localhost:3000/")).toMatch(/localhost/);
    expect(urlProblem("http://0x7f000001/")).toMatch(/loopback/);
    expect(urlProblem("http://[::ffff:a9fe:a9fe]/")).toMatch(/link-local/);
  });
});
