// What an agent's SUBSCRIBE costs the embedded broker as the fleet grows:
// `npx tsx bench/fleet/retained-subscribe.ts [--devices 1000,10000,50000] [--subscribes 300]
// [--rounds 3]`.
//
// A connecting agent subscribes to its two downlink topics (desired, cert) and gets its
// retained desired state. The broker holds four retained messages per device (desired,
// state, presence, overlay). Side by side in each round, on a fresh Aedes broker over TCP
// on loopback with one client:
//   baseline: Aedes' own memory persistence (what the embedded broker used before), which
//             tests every retained message against each filter of every SUBSCRIBE;
//   indexed:  retained.ts, which looks exact topics up.
// Printed: the median time from SUBSCRIBE to the retained message, subscribes per second,
// and the ratio. No TLS: the handshake costs the same either way and is not what grows
// with the fleet. Nothing asserts on time.
import { once } from "node:events";
import { type AddressInfo, createServer } from "node:net";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Aedes } from "aedes";
import memoryPersistence, { type AedesPersistence } from "aedes-persistence";
import mqtt from "mqtt";
import { topics } from "../../protocol/topics";
import { indexedMemoryPersistence, type Packet } from "../../server/domains/fleet/broker/retained";
import { median, table } from "./stats";

const { values: args } = parseArgs({
  options: {
    devices: { type: "string", default: "1000,10000,50000" },
    subscribes: { type: "string", default: "300" },
    rounds: { type: "string", default: "3" },
  },
});
const SIZES = args.devices.split(",").map(Number);
const SUBSCRIBES = Number(args.subscribes);
const ROUNDS = Number(args.rounds);
for (const n of [...SIZES, SUBSCRIBES, ROUNDS])
  if (!Number.isInteger(n) || n < 1)
    throw new Error("--devices, --subscribes and --rounds take positive integers");

const identity = (i: number) => `benchorg00000001.dev${String(i).padStart(8, "0")}`;
const payload = Buffer.alloc(600, 0x61); // about a compiled desired state of a small site

function seed(persistence: AedesPersistence, devices: number) {
  // Without a callback the persistence answers with a promise, as Aedes calls it.
  const storeRetained = persistence.storeRetained as unknown as (p: Packet) => Promise<void>;
  const store = (topic: string) =>
    storeRetained.call(persistence, {
      cmd: "publish",
      topic,
      payload,
      qos: 1,
      retain: true,
    } as unknown as Packet);
  const all: Promise<void>[] = [];
  for (let i = 0; i < devices; i++) {
    const id = identity(i);
    for (const t of [topics.desired(id), topics.state(id), topics.presence(id), topics.overlay(id)])
      all.push(store(t));
  }
  return Promise.all(all);
}

/** Median ms from SUBSCRIBE to the retained desired state, over SUBSCRIBES devices. */
async function measure(persistence: AedesPersistence, devices: number) {
  const broker = await Aedes.createBroker({ persistence });
  const server = createServer({ noDelay: true }, (socket) => broker.handle(socket));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  try {
    await seed(persistence, devices);
    // Both ends send each packet at once: Nagle's algorithm would add its 40 ms to the
    // SUBACK-then-PUBLISH and PUBACK-then-SUBSCRIBE pairs and hide what is measured.
    (client.stream as import("node:net").Socket).setNoDelay(true);
    const waiting = new Map<string, () => void>();
    client.on("message", (topic) => waiting.get(topic)?.());
    const times: number[] = [];
    const step = Math.max(1, Math.floor(devices / SUBSCRIBES));
    const t0 = performance.now();
    for (let k = 0; k < SUBSCRIBES; k++) {
      const id = identity((k * step) % devices);
      const got = new Promise<void>((resolve) => waiting.set(topics.desired(id), resolve));
      const t = performance.now();
      await client.subscribeAsync([topics.desired(id), topics.cert(id)], { qos: 1 });
      await got;
      times.push(performance.now() - t);
      waiting.delete(topics.desired(id));
    }
    const perSecond = SUBSCRIBES / ((performance.now() - t0) / 1000);
    return { median: median(times), perSecond };
  } finally {
    await client.endAsync(true);
    await new Promise((r) => broker.close(() => r(undefined)));
    await new Promise((r) => server.close(r));
  }
}

async function main() {
  const rows: string[][] = [];
  for (const devices of SIZES) {
    const base: { median: number; perSecond: number }[] = [];
    const indexed: typeof base = [];
    for (let round = 1; round <= ROUNDS; round++) {
      base.push(await measure(memoryPersistence(), devices));
      indexed.push(await measure(indexedMemoryPersistence(), devices));
      console.log(
        `${devices} devices, round ${round}: baseline ${base.at(-1)?.median.toFixed(2)} ms, ` +
          `indexed ${indexed.at(-1)?.median.toFixed(2)} ms (load ${loadavg()[0]?.toFixed(1)})`,
      );
    }
    const b = median(base.map((r) => r.median));
    const i = median(indexed.map((r) => r.median));
    rows.push([
      String(devices),
      `${b.toFixed(2)} ms`,
      `${median(base.map((r) => r.perSecond)).toFixed(0)}/s`,
      `${i.toFixed(2)} ms`,
      `${median(indexed.map((r) => r.perSecond)).toFixed(0)}/s`,
      `${(b / i).toFixed(1)}×`,
    ]);
  }
  console.log(
    `\nSUBSCRIBE → retained desired state, median of ${ROUNDS} rounds of ${SUBSCRIBES} subscribes:`,
  );
  console.log(
    table([
      ["devices", "baseline", "baseline rate", "indexed", "indexed rate", "baseline / indexed"],
      ...rows,
    ]),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
