// Disconnects clients from Mosquitto by identity, through the dynamic-security plugin.
// Needed for revocation: Mosquitto 2.0.11 re-reads its CRL on SIGHUP, so a revoked
// certificate cannot connect again, but it keeps connections that are already open
// (its reload re-reads the CN of each TLS client, it does not re-verify the chain).
// Deleting a dynsec client kicks every connection with that username; we create it first
// (dynsec knows only the control plane) and delete it at once. Certificate clients never
// authenticate through dynsec, so this changes nothing else.
import { randomBytes } from "node:crypto";
import { connectAsync, type MqttClient } from "mqtt";
import { CONTROL_PLANE_IDENTITY } from "../../../../protocol/topics";

const REQUEST = "$CONTROL/dynamic-security/v1";
const RESPONSE = `${REQUEST}/response`;

export interface ControlCredentials {
  /** The control listener, e.g. mqtts://127.0.0.1:8884. */
  url: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

/**
 * Identities per dynsec request: under 300 bytes of JSON each, so a request stays far
 * below max_packet_size (packet-limit.ts), which Mosquitto applies to us as to devices.
 */
const BATCH = 256;

export async function kickMosquittoClients(
  creds: ControlCredentials,
  identities: string[],
  timeoutMs = 10_000,
): Promise<void> {
  if (identities.length === 0) return;
  const client = await connectAsync(creds.url, {
    ca: creds.caPem,
    cert: creds.certPem,
    key: creds.keyPem,
    clientId: `${CONTROL_PLANE_IDENTITY}:kick-${randomBytes(8).toString("hex")}`,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
  });
  try {
    await client.subscribeAsync(RESPONSE, { qos: 1 });
    for (let i = 0; i < identities.length; i += BATCH)
      await kickBatch(client, identities.slice(i, i + BATCH), timeoutMs);
  } finally {
    await client.endAsync(true);
  }
}

async function kickBatch(client: MqttClient, identities: string[], timeoutMs: number) {
  const correlation = randomBytes(8).toString("hex");
  let onMessage: ((topic: string, payload: Buffer) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const answered = new Promise<void>((resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`no answer from Mosquitto's dynamic-security plugin in ${timeoutMs} ms`)),
      timeoutMs,
    );
    onMessage = (topic, payload) => {
      if (topic === RESPONSE && payload.toString().includes(correlation)) resolve();
    };
    client.on("message", onMessage);
  });
  try {
    const commands = identities.flatMap((username) => [
      { command: "createClient", username },
      { command: "deleteClient", username, correlationData: correlation },
    ]);
    // Together: if the broker drops us, the PUBACK never comes but the timeout does.
    await Promise.all([
      client.publishAsync(REQUEST, JSON.stringify({ commands }), { qos: 1 }),
      answered,
    ]);
  } finally {
    clearTimeout(timer);
    if (onMessage) client.removeListener("message", onMessage);
  }
}
