// What a device can make the MQTT brokers do with one connection, on both brokers:
// a packet that announces 250 MB is cut after its header (the broker neither reads nor
// buffers it, so its memory does not grow), a message of the largest allowed size still
// goes through, and a connection outlives its certificate by at most one check.
import { readFileSync } from "node:fs";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { x509 } from "../../protocol/crypto/x509";
import { MAX_MESSAGE_BYTES, topics } from "../../protocol/topics";
import { startEmbeddedBroker } from "../../server/domains/fleet/broker/embedded";
import { expiredCertSweep } from "../../server/domains/fleet/broker/expiry-sweep";
import { MosquittoBroker } from "../../server/domains/fleet/broker/mosquitto";
import { MAX_PACKET_BYTES } from "../../server/domains/fleet/broker/packet-limit";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import type { Logger } from "../../server/platform/log/logger";
import { Cleanups } from "../../testkit/cleanups";
import { createOrgWithCa, publishCa } from "../../testkit/factories/fleet-db";
import {
  makeDevice,
  makeOrgCa,
  makePlatform,
  type TestCa,
  type TestDevice,
  type TestPlatform,
  testId,
  trustFor,
} from "../../testkit/factories/pki";
import { BROKERS, type BrokerKind } from "../../testkit/stack/brokers";
import {
  closedByBroker,
  connectMqtt,
  controlClientId,
  controlCreds,
  Inbox,
  WAIT_MS,
} from "../../testkit/stack/mqtt";
import { until } from "../../testkit/wait";

const MB = 1024 * 1024;
const ANNOUNCED = 250 * MB;
/** What either broker may grow by while a 250 MB packet streams in: far below 250 MB. */
const RSS_TOLERANCE = 16 * MB;
/**
 * Bytes a client can have written before it sees the broker close: what the broker read
 * (one header and a chunk or two) plus the kernel's loopback socket buffers (a few MB).
 */
const SENT_TOLERANCE = 16 * MB;

interface LogLine {
  level: string;
  msg: string;
  fields?: object;
}

/** A logger that keeps its lines, for the embedded broker. */
function captureLog(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (msg: string, fields?: object): void => {
      lines.push({ level, msg, fields });
    };
  const logger: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return logger;
}

interface Broker {
  url: string;
  controlUrl: string;
  /** Resident memory of the process the broker runs in, in bytes. */
  rss(): number;
  stop(): Promise<void>;
  mosquitto?: MosquittoBroker;
}

const vmRss = (pid: number) => {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
};

async function start(
  kind: BrokerKind,
  platform: TestPlatform,
  cas: TestCa[],
  log: Logger,
): Promise<Broker> {
  const trust = trustFor(platform.pki, cas);
  if (kind === "embedded") {
    const broker = await startEmbeddedBroker({
      ...trust,
      serverCertPem: platform.pki.brokerCertPem,
      serverKeyPem: platform.pki.brokerKeyPem,
      log,
    });
    return {
      url: broker.url,
      controlUrl: broker.url,
      rss: () => process.memoryUsage.rss(),
      stop: () => broker.close(),
    };
  }
  const broker = await MosquittoBroker.start({ platform: platform.pki, trust });
  return {
    url: broker.url,
    controlUrl: broker.controlUrl,
    rss: () => vmRss(broker.pid as number),
    stop: () => broker.stop(),
    mosquitto: broker,
  };
}

const remainingLength = (n: number) => {
  const out: number[] = [];
  do {
    const byte = n % 128;
    n = Math.floor(n / 128);
    out.push(n > 0 ? byte | 0x80 : byte);
  } while (n > 0);
  return Buffer.from(out);
};
const mqttString = (s: string) => {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
};

/** An MQTT 3.1.1 client on a bare TLS socket, connected (CONNACK 0) as `device`. */
async function rawDevice(url: string, caPem: string, device: TestDevice): Promise<TLSSocket> {
  const { hostname, port } = new URL(url);
  const socket = tlsConnect({
    host: hostname,
    port: Number(port),
    ca: caPem,
    cert: device.certPem,
    key: device.keyPem,
  });
  socket.on("error", () => undefined); // EPIPE / ECONNRESET once the broker cuts us off
  // Protocol "MQTT" level 4, clean session, keep-alive 60 s; payload: the client id.
  const body = Buffer.concat([
    mqttString("MQTT"),
    Buffer.from([4, 0x02, 0, 60]),
    mqttString(device.identity),
  ]);
  socket.write(Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]));
  const connack = await new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no CONNACK in ${WAIT_MS} ms`)), WAIT_MS);
    socket.once("data", (data: Buffer) => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.once("close", () => reject(new Error("closed before CONNACK")));
  });
  expect([...connack.subarray(0, 4)]).toEqual([0x20, 2, 0, 0]);
  return socket;
}

/**
 * Writes a QoS 0 PUBLISH announcing `announced` bytes in 64 KB chunks, honouring
 * backpressure, until the broker closes the socket or every byte is sent; then waits
 * (bounded) for the close. Returns what was sent and the broker's peak RSS meanwhile.
 */
async function streamOversized(socket: TLSSocket, topic: string, rss: () => number) {
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  let isClosed = false;
  void closed.then(() => {
    isClosed = true;
  });
  const variable = mqttString(topic);
  const header = Buffer.concat([Buffer.from([0x30]), remainingLength(ANNOUNCED), variable]);
  const total = header.length + ANNOUNCED - variable.length;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let peak = rss();
  let sent = header.length;
  socket.write(header);
  while (!isClosed && sent < total) {
    const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
    const flushed = socket.write(piece);
    sent += piece.length;
    if (sent % MB < piece.length) peak = Math.max(peak, rss());
    if (!flushed)
      await Promise.race([closed, new Promise((resolve) => socket.once("drain", resolve))]);
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    closed,
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`broker still connected after all ${sent} bytes`)),
        WAIT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  return { sent, peak: Math.max(peak, rss()) };
}

describe.each(BROKERS)("packet limits of the %s broker", (kind) => {
  const cleanups = new Cleanups();
  const lines: LogLine[] = [];
  let platform: TestPlatform;
  let ca: TestCa;
  let broker: Broker;

  beforeAll(async () => {
    platform = await makePlatform();
    cleanups.add(() => platform.cleanup());
    ca = await makeOrgCa();
    broker = await start(kind, platform, [ca], captureLog(lines));
    cleanups.add(() => broker.stop());
  });
  afterAll(() => cleanups.run());

  it("drops a device announcing a 250 MB publish after its header, without buffering it", async () => {
    const device = await makeDevice(ca);
    const socket = await rawDevice(broker.url, platform.pki.caPem, device);
    cleanups.add(() => socket.destroy());
    const before = broker.rss();

    const { sent, peak } = await streamOversized(
      socket,
      topics.events(device.identity),
      broker.rss,
    );

    console.info(
      `${kind}: sent ${(sent / MB).toFixed(1)} MB of ${ANNOUNCED / MB} MB announced; ` +
        `broker RSS grew by ${((peak - before) / MB).toFixed(1)} MB at most`,
    );
    expect(sent).toBeLessThan(SENT_TOLERANCE);
    expect(peak - before).toBeLessThan(RSS_TOLERANCE);
    if (kind === "embedded")
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: "warn",
          fields: expect.objectContaining({ identity: device.identity }),
        }),
      );
  });

  it("still delivers a message of the largest allowed size", async () => {
    const device = await makeDevice(ca);
    const control = await connectMqtt(
      broker.controlUrl,
      platform.pki.caPem,
      controlCreds(platform.pki),
      { clientId: controlClientId() },
    );
    cleanups.add(() => control.endAsync(true));
    const inbox = new Inbox(control);
    await control.subscribeAsync(topics.events(device.identity), { qos: 1 });
    const client = await connectMqtt(broker.url, platform.pki.caPem, device, {
      clientId: device.identity,
    });
    cleanups.add(() => client.endAsync(true));

    const payload = Buffer.alloc(MAX_MESSAGE_BYTES, 0x62);
    expect(topics.events(device.identity).length + MAX_MESSAGE_BYTES).toBeLessThan(
      MAX_PACKET_BYTES,
    );
    await client.publishAsync(topics.events(device.identity), payload, { qos: 1 });
    const got = await inbox.next((m) => m.topic === topics.events(device.identity));
    expect(got.payload.length).toBe(MAX_MESSAGE_BYTES);
    expect(client.connected).toBe(true);
  });
});

/** A certificate valid for a few more seconds: enough to connect, not to stay. */
const shortValidity = () => ({
  notBefore: new Date(Date.now() - 60_000),
  notAfter: new Date(Date.now() + 4_000),
});

describe("a certificate that expires while connected", () => {
  const cleanups = new Cleanups();
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await makePlatform();
  });
  afterEach(() => cleanups.run());
  afterAll(() => platform?.cleanup());

  it("is dropped by the embedded broker when it expires", async () => {
    const lines: LogLine[] = [];
    const ca = await makeOrgCa();
    const broker = await start("embedded", platform, [ca], captureLog(lines));
    cleanups.add(() => broker.stop());
    const device = await makeDevice(ca, { validity: shortValidity() });
    const client: MqttClient = await connectMqtt(broker.url, platform.pki.caPem, device, {
      clientId: device.identity,
    });
    cleanups.add(() => client.endAsync(true));

    await closedByBroker(client, WAIT_MS * 2);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "warn",
        fields: expect.objectContaining({ identity: device.identity }),
      }),
    );
  });

  it("is kicked off Mosquitto by the expiry sweep once it has expired", async () => {
    const ca = await createOrgWithCa();
    await publishCa(ca);
    const broker = await start("mosquitto", platform, [ca], captureLog([]));
    cleanups.add(() => broker.stop());
    const db = getDb();
    const newDevice = (certNotAfter?: Date) =>
      withScope(db, { orgId: ca.orgId }, (tx) =>
        tx.device.create({
          data: {
            orgId: ca.orgId,
            siteId: ca.siteId,
            hostname: "box",
            status: "active",
            online: true,
            certNotAfter,
          },
        }),
      );
    const valid = await newDevice(new Date(Date.now() + 3_600_000));
    const row = await newDevice();
    const device = await makeDevice(ca, { deviceId: row.id, validity: shortValidity() });
    // As issuing does: the device row carries its newest certificate's expiry.
    const { notAfter } = new x509.X509Certificate(device.certPem);
    await withScope(db, { orgId: ca.orgId }, (tx) =>
      tx.device.update({
        where: { id: row.id, orgId: ca.orgId },
        data: { certSerial: device.serial, certNotAfter: notAfter },
      }),
    );
    const client = await connectMqtt(broker.url, platform.pki.caPem, device, {
      clientId: device.identity,
    });
    cleanups.add(() => client.endAsync(true));

    const mosquitto = broker.mosquitto as MosquittoBroker;
    const sweep = expiredCertSweep(db, (ids) => mosquitto.kick(ids));
    const kicked: string[] = [];
    await until(
      "the sweep to kick the expired device",
      async () => {
        kicked.push(...(await sweep()));
        return !client.connected;
      },
      { everyMs: 500, seen: () => kicked },
    );
    expect(kicked).toContain(device.identity);
    expect(kicked).not.toContain(`${ca.orgId}.${valid.id}`);
  });
});

describe("the Mosquitto kick under max_packet_size", () => {
  const cleanups = new Cleanups();
  afterAll(() => cleanups.run());

  it("kicks two thousand identities at once (a mass revocation) in requests under the limit", async () => {
    const platform = await makePlatform();
    cleanups.add(() => platform.cleanup());
    const ca = await makeOrgCa();
    const broker = await start("mosquitto", platform, [ca], captureLog([]));
    cleanups.add(() => broker.stop());
    const device = await makeDevice(ca);
    const client = await connectMqtt(broker.url, platform.pki.caPem, device, {
      clientId: device.identity,
    });
    cleanups.add(() => client.endAsync(true));
    const others = Array.from({ length: 2_000 }, () => `${testId("org")}.${testId("dev")}`);

    await (broker.mosquitto as MosquittoBroker).kick([...others, device.identity]);
    await closedByBroker(client);
  });
});
