// The one rule of the channel, for the embedded broker (Aedes). The Mosquitto ACL file
// written by server/domains/fleet/broker/mosquitto.ts states the same rule in Mosquitto's terms;
// test/fleet tests both brokers with the same cases.
import { CONTROL_PLANE_IDENTITY, DOWNLINK, parseTopic, TOPIC_ROOT, UPLINK } from "./topics";

export function mayPublish(identity: string, topic: string): boolean {
  if (identity === CONTROL_PLANE_IDENTITY) return topic.startsWith(`${TOPIC_ROOT}/`);
  const t = parseTopic(topic);
  return !!t && t.identity === identity && (UPLINK as readonly string[]).includes(t.channel);
}

/** A device may subscribe to its own downlink topics only, and never with wildcards. */
export function maySubscribe(identity: string, filter: string): boolean {
  if (identity === CONTROL_PLANE_IDENTITY) {
    const plain = filter.startsWith("$share/") ? filter.split("/").slice(2).join("/") : filter;
    return plain.startsWith(`${TOPIC_ROOT}/`);
  }
  if (filter.includes("+") || filter.includes("#")) return false;
  const t = parseTopic(filter);
  return !!t && t.identity === identity && (DOWNLINK as readonly string[]).includes(t.channel);
}

/** Mosquitto ACL file with the same rule: %u is the certificate's CN. */
export function mosquittoAcl(): string {
  const lines = [
    "# Written by Patronus; a device uses only its own subtree.",
    ...DOWNLINK.map((c) => `pattern read ${TOPIC_ROOT}/%u/${c}`),
    ...UPLINK.map((c) =>
      c === "telemetry"
        ? `pattern write ${TOPIC_ROOT}/%u/telemetry/+`
        : `pattern write ${TOPIC_ROOT}/%u/${c}`,
    ),
    "",
    `user ${CONTROL_PLANE_IDENTITY}`,
    `topic readwrite ${TOPIC_ROOT}/#`,
    "",
  ];
  return lines.join("\n");
}
