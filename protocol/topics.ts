// Topic names of the fleet channel. Every device has its own subtree, keyed by its
// identity `<orgId>.<deviceId>`, which its certificate carries as CN; the broker's ACL
// (see acl.ts) lets a device use only that subtree, and the org in the topic is as
// authentic as the certificate. The control plane has its own identity.

export const TOPIC_ROOT = "patronus/v1/d";

/** CN of the control plane's client certificate. A colon never occurs in a device identity. */
export const CONTROL_PLANE_IDENTITY = "patronus:control-plane";

/** Largest payload either side accepts; bigger messages are refused unread. A device
 * config with the most rules a site may have (4,096, each at its longest) is ~600 KB. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Messages a device publishes (uplink) and receives (downlink). */
export const UPLINK = [
  "state",
  "presence",
  "heartbeat",
  "csr",
  "telemetry",
  "overlay",
  "paths",
  "events",
] as const;
export const DOWNLINK = ["desired", "cert"] as const;
export type Uplink = (typeof UPLINK)[number];
export type Downlink = (typeof DOWNLINK)[number];
export type Channel = Uplink | Downlink;

const IDENTITY = /^([a-z0-9]{8,40})\.([a-z0-9]{8,40})$/;
export const isDeviceIdentity = (s: string) => IDENTITY.test(s);
export const deviceIdentity = (orgId: string, deviceId: string) => `${orgId}.${deviceId}`;
export function splitIdentity(identity: string): { orgId: string; deviceId: string } | undefined {
  const m = IDENTITY.exec(identity);
  return m ? { orgId: m[1] as string, deviceId: m[2] as string } : undefined;
}

export const topics = {
  desired: (identity: string) => `${TOPIC_ROOT}/${identity}/desired`,
  cert: (identity: string) => `${TOPIC_ROOT}/${identity}/cert`,
  state: (identity: string) => `${TOPIC_ROOT}/${identity}/state`,
  presence: (identity: string) => `${TOPIC_ROOT}/${identity}/presence`,
  heartbeat: (identity: string) => `${TOPIC_ROOT}/${identity}/heartbeat`,
  csr: (identity: string) => `${TOPIC_ROOT}/${identity}/csr`,
  telemetry: (identity: string, kind: string) => `${TOPIC_ROOT}/${identity}/telemetry/${kind}`,
  overlay: (identity: string) => `${TOPIC_ROOT}/${identity}/overlay`,
  paths: (identity: string) => `${TOPIC_ROOT}/${identity}/paths`,
  events: (identity: string) => `${TOPIC_ROOT}/${identity}/events`,
};

/** Filters the control plane subscribes to: every device's uplink of one kind. */
export const uplinkFilter = (channel: Uplink) =>
  channel === "telemetry" ? `${TOPIC_ROOT}/+/telemetry/+` : `${TOPIC_ROOT}/+/${channel}`;

/** Shared-subscription form, so that N workers split the messages between them. */
export const sharedFilter = (group: string, filter: string) => `$share/${group}/${filter}`;

/** Splits a topic of the device tree; undefined for anything else. */
export function parseTopic(
  topic: string,
):
  | { identity: string; orgId: string; deviceId: string; channel: Channel; kind?: string }
  | undefined {
  const parts = topic.split("/");
  if (parts.length < 5 || `${parts[0]}/${parts[1]}/${parts[2]}` !== TOPIC_ROOT) return undefined;
  const identity = parts[3] as string;
  const channel = parts[4] as Channel;
  const ids = splitIdentity(identity);
  if (!ids) return undefined;
  if (channel === "telemetry") {
    const kind = parts[5];
    if (parts.length !== 6 || !kind || !/^[a-z][a-z0-9_-]{0,31}$/.test(kind)) return undefined;
    return { identity, ...ids, channel, kind };
  }
  if (parts.length !== 5) return undefined;
  if (
    !(UPLINK as readonly string[]).includes(channel) &&
    !(DOWNLINK as readonly string[]).includes(channel)
  )
    return undefined;
  return { identity, ...ids, channel };
}
