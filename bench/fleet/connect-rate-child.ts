// The devices of connect-rate.ts: each connects as an agent does (mutual TLS, a last will,
// a retained presence, SUBSCRIBE to desired and cert) and waits for its retained desired
// state. Prints what it measured as JSON on stdout; every connection ends before it exits.
import { readFileSync } from "node:fs";
import mqtt, { type MqttClient } from "mqtt";
import { topics } from "../../protocol/topics";
import { percentile } from "./stats";

const input = JSON.parse(readFileSync(process.argv[2] as string, "utf8")) as {
  url: string;
  ca: string;
  devices: { identity: string; key: string; cert: string }[];
  CONCURRENCY: number;
};

async function connectOne(d: (typeof input.devices)[number]) {
  const started = performance.now();
  const client = await mqtt.connectAsync(input.url, {
    ca: input.ca,
    key: d.key,
    cert: d.cert,
    clientId: d.identity,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 60_000,
    keepalive: 60,
    will: {
      topic: topics.presence(d.identity),
      payload: Buffer.from('{"online":false}'),
      qos: 1,
      retain: true,
    },
  });
  const got = new Promise<void>((resolve) => client.on("message", () => resolve()));
  await client.publishAsync(topics.presence(d.identity), '{"online":true}', {
    qos: 1,
    retain: true,
  });
  await client.subscribeAsync([topics.desired(d.identity), topics.cert(d.identity)], { qos: 1 });
  await got;
  return { client, ms: performance.now() - started };
}

const clients: MqttClient[] = [];
const times: number[] = [];
const t0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: input.CONCURRENCY }, async () => {
    for (let i = next++; i < input.devices.length; i = next++) {
      const { client, ms } = await connectOne(input.devices[i] as (typeof input.devices)[number]);
      clients.push(client);
      times.push(ms);
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
await Promise.all(clients.map((c) => c.endAsync(true)));
console.log(
  JSON.stringify({
    connected: times.length,
    seconds,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
  }),
);
