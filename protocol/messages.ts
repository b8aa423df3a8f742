// Schemas of every message on the fleet channel and of the enrollment HTTP API.
// Both sides validate on receipt: `decode` refuses oversized, non-JSON and off-schema
// payloads with a message that says what was wrong.
import { z } from "zod";
import { MAX_CLOCK_OFFSET_MS } from "./clock";
import { ZOverlayConfig } from "./overlay";
import {
  ZCidr4,
  ZIfname,
  ZInt4,
  ZIpAddress,
  ZIpv4,
  ZIsoDate,
  ZMeasure,
  ZPort,
  ZReportedAt,
  ZV,
} from "./primitives";
import { ZCapabilities } from "./sections";
import { zText } from "./text";
import { MAX_MESSAGE_BYTES } from "./topics";
import { ZApplyTrace, ZTraceparent } from "./trace";

const cidr4 = ZCidr4;
const ipv4 = ZIpv4;
const port = ZPort;
const ifname = ZIfname;
export const ZProto = z.enum(["tcp", "udp", "icmp", "any"]);
export const ZAction = z.enum(["allow", "deny"]);
export const ZSha256 = zText().regex(/^[0-9a-f]{64}$/);
const isoDate = ZIsoDate;

export { ZCidr4, ZIfname, ZIpv4, ZPort };

/** Rules a site enforces, global rules included: the data plane's table (MAX_RULES in
 * bpf/include/types.h). */
export const MAX_SITE_RULES = 4096;

/** What a device is told to run. The data plane applies all of it or none. */
export const ZDeviceConfig = z.object({
  site: z.object({ id: zText().max(40), name: zText().max(100) }),
  interfaces: z.object({
    wan: ifname,
    lan: ifname,
    wanAddress: ipv4.optional(),
    wanIngress: z.enum(["native", "generic", "tc"]),
  }),
  defaultAction: ZAction,
  snat: z.object({ from: cidr4, to: ipv4 }).optional(),
  rules: z
    .array(
      z.object({
        id: z.number().int().min(1).max(0xffff),
        src: cidr4,
        dst: cidr4,
        proto: ZProto,
        ports: z.tuple([port, port]).optional(),
        action: ZAction,
      }),
    )
    .max(MAX_SITE_RULES, `at most ${MAX_SITE_RULES} rules per site (global rules included)`),
  portForwards: z
    .array(
      z.object({
        id: z.number().int().min(1).max(0xffff),
        proto: z.enum(["tcp", "udp"]),
        port,
        to: ipv4,
        toPort: port,
      }),
    )
    .max(256),
  services: z
    .array(
      z.object({
        id: z.number().int().min(1).max(0xffff),
        vip: ipv4,
        port,
        proto: z.enum(["tcp", "udp"]),
        backends: z
          .array(z.object({ addr: ipv4, port }))
          .min(1)
          .max(64),
      }),
    )
    .max(64),
  /** Tunnels, probes and path steering (absent: the site is not in the overlay). */
  overlay: ZOverlayConfig.optional(),
});
export type DeviceConfig = z.infer<typeof ZDeviceConfig>;

/** Retained on `desired`: the whole config of one device at one revision. */
export const ZDesiredState = z.object({
  v: ZV,
  deviceId: zText().max(40),
  revision: z.number().int().min(1),
  hash: ZSha256,
  issuedAt: isoDate,
  config: ZDeviceConfig,
  /**
   * The publish's W3C traceparent (protocol/trace.ts), only to agents that declared
   * capabilities (a first-release agent refuses unknown fields). Malformed: dropped.
   */
  trace: ZTraceparent.optional().catch(undefined),
});
export type DesiredState = z.infer<typeof ZDesiredState>;

export const ZApplyStatus = z.enum(["applied", "failed", "rejected", "rolled_back"]);
export type ApplyStatus = z.infer<typeof ZApplyStatus>;

/** Published (retained) on `state` after every apply attempt and at connect. */
export const ZReportedState = z.object({
  v: ZV,
  revision: ZInt4,
  hash: ZSha256.nullable(),
  status: ZApplyStatus,
  /** The revision that was tried when status is not "applied". */
  attempted: ZInt4.optional(),
  error: zText().max(2000).nullable(),
  appliedAt: ZReportedAt.nullable(),
  /**
   * Only in the report of an apply whose desired state carried a traceparent (so a control
   * plane that sends none never sees it): that traceparent and the apply's times.
   * Malformed: dropped, the report stands.
   */
  trace: ZApplyTrace.optional().catch(undefined),
});
export type ReportedState = z.infer<typeof ZReportedState>;

/** Retained on `presence`; the last will says online: false. */
export const ZPresence = z.object({
  v: ZV,
  online: z.boolean(),
  at: ZReportedAt,
  agentVersion: zText().max(40).optional(),
  /** What the agent can apply (absent: an agent of the first release). Online only. */
  capabilities: ZCapabilities.optional(),
  /**
   * The agent process (random at each start), also in its last will: two processes taking
   * turns on one identity is a cloned box; a will of a replaced process is stale.
   */
  session: zText()
    .regex(/^[0-9a-f]{16,64}$/, "expected 16 to 64 lowercase hex digits")
    .optional(),
  /** The address the agent's broker connection left from, as the box sees it. Online only. */
  address: ZIpAddress.optional(),
});
export type Presence = z.infer<typeof ZPresence>;

/**
 * The agent's last measurement of its clock (edge-agent clock.ts): how far the control
 * plane's clock is ahead of the box's (positive: the box is behind) and when it was
 * measured, in control-plane time.
 */
export const ZClockReport = z.object({
  offsetMs: z.number().int().min(-MAX_CLOCK_OFFSET_MS).max(MAX_CLOCK_OFFSET_MS),
  checkedAt: isoDate,
});
export type ClockReport = z.infer<typeof ZClockReport>;

export const ZHeartbeat = z.object({
  v: ZV,
  at: ZReportedAt,
  uptimeSeconds: ZMeasure,
  revision: ZInt4,
  simulated: z.boolean(),
  /** The box's clock against the control plane's, once measured (protocol/clock.ts). */
  clock: ZClockReport.optional(),
});
export type Heartbeat = z.infer<typeof ZHeartbeat>;

/** Renewal: the device sends a CSR for its (new) key over its authenticated channel. */
export const ZCsrRequest = z.object({ v: ZV, csr: zText().max(8192) });
export const ZCertIssued = z.object({
  v: ZV,
  certificate: zText().max(8192),
  caChain: zText().max(16384),
  notAfter: isoDate,
  /** The control plane's clock when it sent this (a fresh reply over the authenticated
   * channel): the agent measures its clock against it. Only to agents that declared
   * capabilities: a first-release agent parses this message strictly. */
  serverTime: isoDate.optional(),
});
export type CertIssued = z.infer<typeof ZCertIssued>;

export const ZTelemetry = z.object({
  v: ZV,
  at: ZReportedAt,
  metrics: z
    .record(zText().max(64), z.number().min(-1e15).max(1e15))
    .refine((m) => Object.keys(m).length <= 256, "at most 256 metrics"),
});
export type Telemetry = z.infer<typeof ZTelemetry>;

// --- Enrollment over HTTPS (the agent has no certificate yet) ---

export const ZEnrollRequest = z.object({
  token: zText().min(10).max(200),
  csr: zText().min(100).max(8192),
  hostname: zText().min(1).max(100),
  agentVersion: zText().max(40).optional(),
  capabilities: ZCapabilities.optional(),
});
export type EnrollRequest = z.infer<typeof ZEnrollRequest>;

export const ZEnrollPoll = z.object({
  deviceId: zText().max(40),
  pollToken: zText().min(10).max(200),
});

export const ZEnrollResponse = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("active"),
    deviceId: zText(),
    /** `<orgId>.<deviceId>`: the certificate's CN and the device's topic key. */
    identity: zText(),
    certificate: zText(),
    caChain: zText(),
    notAfter: isoDate,
    broker: z.object({ url: zText(), serverCa: zText() }),
  }),
  z.object({
    status: z.literal("pending"),
    deviceId: zText(),
    pollToken: zText(),
    retryAfterSeconds: z.number().int().min(1),
  }),
  z.object({ status: z.literal("rejected"), deviceId: zText(), reason: zText() }),
]);
export type EnrollResponse = z.infer<typeof ZEnrollResponse>;

export class MessageError extends Error {
  override name = "MessageError";
  constructor(
    message: string,
    /** For a message that failed its schema: each field and what is wrong with it. */
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export interface DecodeOptions {
  /** Told the top-level fields the schema does not know: a newer sender's, ignored. */
  onUnknown?: (fields: string[]) => void;
  /**
   * Returns the message as sent (fields this side does not know kept) rather than as
   * parsed: for a desired state, whose hash is over the config exactly as sent. Sound
   * because no wire schema transforms a value.
   */
  asSent?: boolean;
}

/** Parses a payload: size, JSON, then schema. Throws MessageError saying which. */
export function decode<T>(
  schema: z.ZodType<T>,
  payload: Buffer | string,
  opts: DecodeOptions = {},
): T {
  const size = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
  if (size > MAX_MESSAGE_BYTES)
    throw new MessageError(`message of ${size} bytes is over the ${MAX_MESSAGE_BYTES}-byte limit`);
  let json: unknown;
  try {
    json = JSON.parse(payload.toString());
  } catch {
    throw new MessageError("message is not JSON");
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    const where = first?.path.length ? `${first.path.join(".")}: ` : "";
    throw new MessageError(
      `invalid message: ${where}${first?.message ?? "does not match"}`,
      r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  if (opts.onUnknown && schema instanceof z.ZodObject) {
    const known = new Set(Object.keys(schema.shape));
    const extra = Object.keys(json as object).filter((k) => !known.has(k));
    if (extra.length) opts.onUnknown(extra);
  }
  return opts.asSent ? (json as T) : r.data;
}
