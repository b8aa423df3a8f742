import { once } from "node:events";
import { type AddressInfo, createServer } from "node:net";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { indexedMemoryPersistence, type Packet, RetainedMessages } from "./retained";

const packet = (topic: string, payload: string) =>
  ({ cmd: "publish", topic, payload: Buffer.from(payload), qos: 1, retain: true }) as Packet;
const topicsOf = (it: Iterable<Packet>) => [...it].map((p) => p.topic).sort();

describe("retained messages by topic", () => {
  it("finds exact topics, matches wildcards, sends each message once", () => {
    const r = new RetainedMessages();
    for (const t of ["p/a/desired", "p/a/state", "p/b/desired", "p/b/state/x", "$SYS/x/y"])
      r.store(packet(t, t));
    expect(topicsOf(r.match(["p/a/desired"]))).toEqual(["p/a/desired"]);
    expect(topicsOf(r.match(["p/a/desired", "p/a/state", "p/c/desired"]))).toEqual([
      "p/a/desired",
      "p/a/state",
    ]);
    expect(topicsOf(r.match(["p/+/desired", "p/a/desired", "p/#"]))).toEqual([
      "p/a/desired",
      "p/a/state",
      "p/b/desired",
      "p/b/state/x",
    ]);
    expect(topicsOf(r.match(["p/b/state/#"]))).toEqual(["p/b/state/x"]);
    // `#` alone does not reach `$` topics (MQTT 3.1.1 4.7.2); naming them does.
    expect(topicsOf(r.match(["#"]))).not.toContain("$SYS/x/y");
    expect(topicsOf(r.match(["$SYS/+/y"]))).toEqual(["$SYS/x/y"]);
  });

  it("replaces a topic's message, and an empty payload removes it", () => {
    const r = new RetainedMessages();
    r.store(packet("p/a/desired", "1"));
    r.store(packet("p/a/desired", "2"));
    expect([...r.match(["p/a/desired"])].map((p) => p.payload.toString())).toEqual(["2"]);
    r.store(packet("p/a/desired", ""));
    expect(r.size).toBe(0);
    expect([...r.match(["p/a/desired", "p/#"])]).toEqual([]);
  });

  it("keeps its own copy: a packet changed after it was stored does not change what is sent", () => {
    const r = new RetainedMessages();
    const p = packet("p/a/desired", "1");
    r.store(p);
    p.topic = "p/b/desired";
    expect(topicsOf(r.match(["p/a/desired"]))).toEqual(["p/a/desired"]);
  });
});

describe("an Aedes broker on the indexed persistence", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it("delivers retained messages on SUBSCRIBE, exact and wildcard, and forgets cleared ones", async () => {
    const broker = await Aedes.createBroker({ persistence: indexedMemoryPersistence() });
    const server = createServer((socket) => broker.handle(socket));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    cleanup.push(
      () => new Promise((r) => broker.close(() => r(undefined))),
      () => new Promise((r) => server.close(r)),
    );
    const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = async () => {
      const c = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
      cleanup.push(() => c.endAsync(true));
      return c;
    };

    const pub = await client();
    const retained: [string, string][] = [
      ["p/a/desired", "a1"],
      ["p/b/desired", "b1"],
      ["p/a/desired", "a2"],
      ["p/c/desired", "c1"],
    ];
    for (const [t, v] of retained) await pub.publishAsync(t, v, { qos: 1, retain: true });
    await pub.publishAsync("p/c/desired", "", { qos: 1, retain: true });

    const received = async (filters: string[], count: number) => {
      const sub = await client();
      const got: string[] = [];
      const done = new Promise<void>((resolve) =>
        sub.on("message", (topic, payload, p) => {
          got.push(`${topic}=${payload}${p.retain ? "" : " (not retained)"}`);
          if (got.length === count) resolve();
        }),
      );
      await sub.subscribeAsync(filters, { qos: 1 });
      await done;
      return got.sort();
    };
    expect(await received(["p/a/desired"], 1)).toEqual(["p/a/desired=a2"]);
    expect(await received(["p/+/desired"], 2)).toEqual(["p/a/desired=a2", "p/b/desired=b1"]);

    // Nothing else comes: a marker published after the SUBSCRIBE arrives last and alone.
    const sub = await client();
    const got: string[] = [];
    const marker = new Promise<void>((resolve) =>
      sub.on("message", (topic) => {
        got.push(topic);
        if (topic === "p/marker") resolve();
      }),
    );
    await sub.subscribeAsync(["p/c/desired", "p/marker"], { qos: 1 });
    await pub.publishAsync("p/marker", "m", { qos: 1 });
    await marker;
    expect(got).toEqual(["p/marker"]);
  });
});
