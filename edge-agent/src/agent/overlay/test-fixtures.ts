// A small overlay config for unit tests: site A (this device) with two links, two paths to
// site B and one to a hub, three classes and two policies.
import type { OverlayConfig, OverlayPath } from "./types";

const KEY = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="; // RFC 7748 test key

function path(
  id: string,
  localLink: string,
  site: string,
  ifname: string,
  port: number,
  prefixes: string[],
  cost: number,
): OverlayPath {
  return {
    id,
    localLink,
    remote: {
      siteId: site,
      siteName: site,
      role: site === "site_hub" ? "hub" : "edge",
      deviceId: `dev_${site}`,
      linkId: id.split("~")[1]!,
      linkName: "fiber",
      publicKey: KEY,
      endpoint: { address: "198.51.100.7", port },
    },
    ifname,
    listenPort: port,
    address: `fd00:0:0:${port.toString(16)}::1`,
    peerAddress: `fd00:0:0:${port.toString(16)}::2`,
    prefixes,
    cost,
  };
}

export function overlayConfig(): OverlayConfig {
  return {
    settings: { probeIntervalMs: 100, holdDownMs: 30_000, telemetryIntervalMs: 5000 },
    links: [
      {
        id: "a0",
        name: "fiber",
        kind: "fiber",
        ifname: "wan0",
        gateway: "192.0.2.1",
        cost: 10,
        metered: false,
      },
      { id: "a1", name: "lte", kind: "lte", ifname: "wan1", cost: 50, metered: true },
    ],
    paths: [
      path("a0~b0", "a0", "site_b", "pwb0", 51820, ["192.168.2.0/24"], 20),
      path("a1~b1", "a1", "site_b", "pwb1", 51821, ["192.168.2.0/24"], 60),
      path("a0~h0", "a0", "site_hub", "pwh0", 51822, ["10.50.0.0/16", "10.60.0.0/16"], 20),
    ],
    classes: [
      {
        id: 1,
        name: "Voice",
        kind: "voice",
        dscp: 46,
        match: [{ proto: "udp", lo: 5060, hi: 5061 }, { prefix: "203.0.113.0/24" }],
        sla: { maxLatencyMs: 150, maxJitterMs: 30, maxLossPct: 1 },
      },
      { id: 2, name: "Bulk", kind: "bulk", match: [{ proto: "tcp", lo: 873, hi: 873 }] },
      { id: 3, name: "Everything else", kind: "default", match: [] },
    ],
    policies: [
      {
        id: "guests",
        name: "Guests on LTE",
        priority: 20,
        sources: ["10.9.0.0/16"],
        preferred: ["a1~b1"],
        onViolation: "best_effort",
      },
      {
        id: "execs",
        name: "Exec voice",
        priority: 10,
        classId: 1,
        sources: ["10.1.0.0/24", "10.1.5.7/24"],
        preferred: [],
        onViolation: "hold",
      },
    ],
  };
}
