import { describe, expect, it } from "vitest";
import { addrBytes, bytesToAddr, parsePrefix } from "../../../protocol/addr";
import { ctEntry, flowKey, ifConfig, lpmKey } from "./structs";

describe("codecs", () => {
  it("lays out flow_key like C: 16+16+2+2+1+1+2", () => {
    expect(flowKey.size).toBe(40);
    expect(flowKey.fields.map((f) => f.offset)).toEqual([0, 16, 32, 34, 36, 37, 38]);
  });

  it("takes a key's family from its address unless given", () => {
    expect(flowKey.encode({ saddr: "10.0.0.1", daddr: "10.0.0.2" })[37]).toBe(4);
    expect(flowKey.encode({ saddr: "fd00::1", daddr: "fd00::2" })[37]).toBe(6);
    expect(flowKey.encode({ saddr: "10.0.0.1", family: 6 })[37]).toBe(6);
  });

  it("round-trips a conntrack entry", () => {
    const e = {
      expires: 123n,
      packets: 2n,
      bytes: 3n,
      nat_addr: "192.0.2.1",
      nat_port: 8080,
      nat: 2,
      state: 1,
      dir: 0,
      flags: 1,
      app_id: 7,
      mark: 0x100,
      rule_id: 9,
      dscp: 46,
      wscale: 7,
      backend_id: 4,
      seq_next: 1001,
      max_win: 65535 << 7,
    };
    expect(ctEntry.decode(ctEntry.encode(e))).toEqual(e);
  });

  it("writes ports big-endian and counters little-endian", () => {
    const k = flowKey.encode({
      saddr: "10.0.0.1",
      daddr: "fd00::2",
      sport: 0x1234,
      dport: 80,
      proto: 6,
    });
    expect(k.subarray(32, 34).toString("hex")).toBe("1234");
    expect(k.subarray(0, 16).toString("hex")).toBe("00000000000000000000ffff0a000001");
    expect(ifConfig.encode({ slot: 1 }).readUInt32LE(0)).toBe(1);
  });

  it("maps IPv4 into IPv6 and prefixes into the 128-bit space", () => {
    expect(bytesToAddr(addrBytes("fd00::2"))).toBe("fd00::2");
    expect(parsePrefix("10.0.0.0/8")).toEqual({ addr: "10.0.0.0", prefixlen: 104 });
    expect(parsePrefix("10.1.2.3/8")).toEqual({ addr: "10.0.0.0", prefixlen: 104 });
    expect(parsePrefix("fd00:1:2::5/32")).toEqual({ addr: "fd00:1::", prefixlen: 32 });
    expect(parsePrefix("::/0")).toEqual({ addr: "::", prefixlen: 0 });
    expect(lpmKey.decode(lpmKey.encode({ prefixlen: 104, addr: "10.0.0.0" }))).toEqual({
      prefixlen: 104,
      addr: "10.0.0.0",
    });
  });
});
