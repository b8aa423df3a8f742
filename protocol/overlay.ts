// The overlay part of the fleet channel (docs/overlay.md): what a device is told about
// its WAN links, tunnels (paths), application classes and steering policies, and what it
// reports back: its tunnel key and tunnel state, path measurements, and path events.
import { z } from "zod";
import {
  ZCidr4,
  ZCounter,
  ZIfname,
  ZInt4,
  ZIpv4,
  ZMeasure,
  ZPort,
  ZReportedAt,
  ZV,
} from "./primitives";
import { zText } from "./text";

const cidr4 = ZCidr4;
const ipv4 = ZIpv4;
const port = ZPort;
const ifname = ZIfname;
const id = zText().regex(/^[A-Za-z0-9_~.:-]{1,120}$/, "not an id");
/** Every instant in this file is one a device reports. */
const isoDate = ZReportedAt;
const ula = zText()
  .max(45)
  .regex(/^fd[0-9a-f:]+$/, "expected an IPv6 ULA address (fd00::/8)");

/** A WireGuard key: 32 bytes, base64. */
export const ZWgKey = zText().regex(
  /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw480]=$/,
  "not a WireGuard key (32 bytes, base64)",
);

export const ZLinkKind = z.enum(["broadband", "fiber", "lte", "mpls"]);
export const ZSiteRole = z.enum(["edge", "hub", "cloud_gateway"]);
export const ZOnViolation = z.enum(["best_effort", "hold"]);

export const ZSla = z.object({
  maxLatencyMs: z.number().int().min(1).max(10_000),
  maxJitterMs: z.number().int().min(0).max(10_000),
  maxLossPct: z.number().min(0).max(100),
});
export type Sla = z.infer<typeof ZSla>;

/** Ports the data plane's classifier holds, across all classes of a device (one entry each). */
export const MAX_APP_PORTS = 4096;

/** What the data plane classifies into a class: destination ports, or destination prefixes. */
export const ZAppMatch = z.union([
  z
    .strictObject({ proto: z.enum(["tcp", "udp"]), lo: port, hi: port })
    .refine((m) => m.lo <= m.hi, "the first port must not be above the last"),
  z.object({ prefix: cidr4 }),
]);
export type AppMatch = z.infer<typeof ZAppMatch>;

/**
 * One tunnel between this device and a remote site's device over one link pair.
 * `id` is the same at both ends (the two link ids, sorted, joined by "~").
 */
export const ZOverlayPath = z.object({
  id,
  /** Local WAN link id (one of `links`). */
  localLink: id,
  remote: z.object({
    siteId: id,
    siteName: zText().max(100),
    role: ZSiteRole,
    deviceId: id,
    linkId: id,
    linkName: zText().max(60),
    publicKey: ZWgKey,
    /** Where to send tunnel packets; absent when the remote link only dials out. */
    endpoint: z.object({ address: ipv4, port }).optional(),
  }),
  /** Tunnel interface on this device, and the UDP port it listens on. */
  ifname,
  listenPort: port,
  /** Inner addresses (a /64 of fd00::/8 per path): ours and the peer's, for probes. */
  address: ula,
  peerAddress: ula,
  /** What is reachable through this path (the remote site's prefixes; a hub's include its spokes'). */
  prefixes: z.array(cidr4).max(256),
  /** Local + remote link cost: the tie-breaker among paths that meet an SLA. */
  cost: z.number().int().min(0).max(100_000),
});
export type OverlayPath = z.infer<typeof ZOverlayPath>;

export const ZOverlayLink = z.object({
  id,
  name: zText().max(60),
  kind: ZLinkKind,
  ifname,
  /** Next hop on the link; absent: the agent uses the main table's route on `ifname`. */
  gateway: ipv4.optional(),
  cost: z.number().int().min(0).max(10_000),
  metered: z.boolean(),
});
export type OverlayLink = z.infer<typeof ZOverlayLink>;

export const ZOverlayClass = z.object({
  /** The data plane's app id (1..250); also picks the class's fwmark. */
  id: z.number().int().min(1).max(250),
  name: zText().max(60),
  kind: z.enum(["voice", "video", "interactive", "saas", "bulk", "default", "custom"]),
  dscp: z.number().int().min(0).max(63).optional(),
  match: z.array(ZAppMatch).max(64),
  sla: ZSla.optional(),
});
export type OverlayClass = z.infer<typeof ZOverlayClass>;

/** Evaluated in `priority` order (lower first) before the per-class defaults. */
export const ZOverlayPolicy = z.object({
  id,
  name: zText().max(100),
  priority: z.number().int().min(0).max(100_000),
  /** Application class id; absent: any traffic from `sources`. */
  classId: z.number().int().min(1).max(250).optional(),
  /** Source prefixes (a user group's, or the policy's own); empty: any source. */
  sources: z.array(cidr4).max(64),
  /** Path ids in order of preference; empty: all paths, by SLA then cost. */
  preferred: z.array(id).max(64),
  sla: ZSla.optional(),
  onViolation: ZOnViolation,
});
export type OverlayPolicy = z.infer<typeof ZOverlayPolicy>;

/**
 * An L2 segment this device is a member of: its LAN-side `interface` bridged with VXLAN
 * `vni` to each peer (another member site it has paths to). A peer's traffic takes the
 * path the `default` unit uses towards that site; `pathIds` are this device's paths to
 * it, cheapest first.
 */
export const ZOverlaySegment = z.object({
  vni: z.number().int().min(1).max(16_777_215),
  name: zText().max(60),
  interface: ifname,
  peers: z.array(z.object({ siteId: id, pathIds: z.array(id).min(1).max(64) })).max(256),
});
export type OverlaySegment = z.infer<typeof ZOverlaySegment>;

export const ZOverlayConfig = z.object({
  settings: z.object({
    probeIntervalMs: z.number().int().min(20).max(10_000),
    holdDownMs: z.number().int().min(0).max(3_600_000),
    telemetryIntervalMs: z.number().int().min(1000).max(600_000),
  }),
  links: z.array(ZOverlayLink).max(16),
  paths: z.array(ZOverlayPath).max(1024),
  classes: z.array(ZOverlayClass).max(250),
  policies: z.array(ZOverlayPolicy).max(256),
  /** Absent when the site is in no segment (configs without segments stay as they were). */
  segments: z.array(ZOverlaySegment).max(64).optional(),
});
export type OverlayConfig = z.infer<typeof ZOverlayConfig>;

// --- Uplink ---

export const ZPathState = z.enum(["up", "down", "unknown"]);

/** Retained on `overlay`: the device's key and its tunnels, at connect and on change. */
export const ZOverlayStatus = z.object({
  v: ZV,
  at: isoDate,
  publicKey: ZWgKey,
  tunnels: z
    .array(
      z.object({
        pathId: id,
        ifname,
        state: ZPathState,
        lastHandshakeAt: isoDate.nullable(),
        error: zText().max(500).optional(),
      }),
    )
    .max(1024),
});
export type OverlayStatus = z.infer<typeof ZOverlayStatus>;

/** The path each steering unit (a policy, or a class's default) uses, per remote site. */
export const ZSelection = z.object({
  /** `policy:<id>` or `class:<id>` */
  unit: zText().max(130),
  unitName: zText().max(100),
  remoteSiteId: id,
  pathId: id.nullable(),
  since: isoDate,
});
export type Selection = z.infer<typeof ZSelection>;

/** Published on `paths` every telemetry interval: each path's window of probes. */
export const ZPathReport = z.object({
  v: ZV,
  at: isoDate,
  paths: z
    .array(
      z.object({
        id,
        state: ZPathState,
        latencyMs: ZMeasure.nullable(),
        jitterMs: ZMeasure.nullable(),
        lossPct: z.number().min(0).max(100).nullable(),
        mos: z.number().min(1).max(5).nullable(),
        probesSent: ZInt4,
        probesLost: ZInt4,
        txBytes: ZCounter.optional(),
        rxBytes: ZCounter.optional(),
      }),
    )
    .max(1024),
  selection: z.array(ZSelection).max(4096),
});
export type PathReport = z.infer<typeof ZPathReport>;

export const ZPathEventKind = z.enum([
  "initial",
  "failover",
  "failback",
  "path_down",
  "path_up",
  "sla_violation",
  "sla_ok",
]);

/** Published on `events` (QoS 1); queued on the device while the control plane is away. */
export const ZPathEvents = z.object({
  v: ZV,
  events: z
    .array(
      z.object({
        /** Unique per device: a redelivered event is stored once. */
        id: zText().regex(/^[A-Za-z0-9_-]{8,64}$/),
        at: isoDate,
        kind: ZPathEventKind,
        unit: zText().max(130),
        unitName: zText().max(100),
        remoteSiteId: id.nullable(),
        fromPath: id.nullable(),
        toPath: id.nullable(),
        /** Which metric crossed which bound, in words: "latency 212 ms > 150 ms". */
        reason: zText().max(500),
        metrics: z
          .strictObject({
            latencyMs: ZMeasure.nullable(),
            jitterMs: ZMeasure.nullable(),
            lossPct: z.number().min(0).max(100).nullable(),
          })
          .optional(),
      }),
    )
    .min(1)
    .max(200),
});
export type PathEvents = z.infer<typeof ZPathEvents>;
export type PathEvent = PathEvents["events"][number];
