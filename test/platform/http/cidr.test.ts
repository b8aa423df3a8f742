import { describe, expect, it } from "vitest";
import { inCidrs, parseCidr } from "../../../server/platform/http/cidr";

describe("parseCidr", () => {
  it.each([
    ["10.1.2.3/8", "10.0.0.0/8"],
    ["192.168.1.77", "192.168.1.77/32"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["2001:DB8:0:0:0:0:0:1/32", "2001:db8::/32"],
    ["2001:db8:abcd:12ff::1/56", "2001:db8:abcd:1200::/56"],
    ["::1", "::1/128"],
    ["::/0", "::/0"],
    ["::ffff:10.1.2.3/120", "::ffff:a01:200/120"],
    [" 10.0.0.0/8 ", "10.0.0.0/8"],
  ])("%s → %s", (input, text) => {
    expect(parseCidr(input)?.text).toBe(text);
  });

  it.each([
    "",
    "10.0.0.0/33",
    "10.0.0/8",
    "10.0.0.0/8/1",
    "10.0.0.0/-1",
    "10.0.0.0/ 8",
    "2001:db8::/129",
    "fe80::1%eth0",
    "example.com",
    "10.0.0.0/08x",
  ])("refuses %j", (input) => {
    expect(parseCidr(input)).toBeNull();
  });
});

describe("inCidrs", () => {
  it("matches addresses of either family against canonical CIDRs", () => {
    const cidrs = ["10.0.0.0/8", "2001:db8::/32"];
    expect(inCidrs(cidrs, "10.200.0.1")).toBe(true);
    expect(inCidrs(cidrs, "11.0.0.1")).toBe(false);
    expect(inCidrs(cidrs, "2001:db8:ffff::1")).toBe(true);
    expect(inCidrs(cidrs, "2001:db9::1")).toBe(false);
    expect(inCidrs(cidrs, "unknown")).toBe(false);
  });
});
