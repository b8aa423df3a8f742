// The pure parts of the embedded broker's shared subscriptions: the `$share` grammar, MQTT
// filter matching, and the choice of a member, which every broker must make alike.
import type { Client } from "aedes";
import { describe, expect, it } from "vitest";
import {
  chosenMember,
  filterMatches,
  LocalShareDirectory,
  parseShared,
  SharedSubscriptions,
} from "../../../server/domains/fleet/broker/shared-subscriptions";

describe("parseShared", () => {
  it("splits a share, leaves a plain filter alone and refuses a malformed share", () => {
    expect(parseShared("$share/ingest/patronus/v1/d/+/state")).toEqual({
      group: "ingest",
      filter: "patronus/v1/d/+/state",
    });
    expect(parseShared("patronus/v1/d/+/state")).toBeUndefined();
    for (const bad of [
      "$share/",
      "$share/g",
      "$share/g/",
      "$share//t",
      "$share/g+/t",
      "$share/#/t",
    ])
      expect(parseShared(bad)).toBeNull();
  });
});

describe("filterMatches", () => {
  it("follows MQTT's wildcards", () => {
    expect(filterMatches("a/+/c", "a/b/c")).toBe(true);
    expect(filterMatches("a/+/c", "a/b/c/d")).toBe(false);
    expect(filterMatches("a/#", "a")).toBe(true);
    expect(filterMatches("a/#", "a/b/c")).toBe(true);
    expect(filterMatches("+/+", "a/b")).toBe(true);
    expect(filterMatches("a/b", "a/b")).toBe(true);
    expect(filterMatches("a/b", "a/c")).toBe(false);
    expect(filterMatches("#", "$SYS/x")).toBe(false); // [MQTT-4.7.2-1]
  });
});

describe("chosenMember", () => {
  const devices = Array.from({ length: 2000 }, (_, i) => `org1.dev${i}`);
  const members = ["w1", "w2", "w3", "w4"];

  it("is the same whatever the order of the members, and spreads the devices", () => {
    const counts = new Map<string, number>();
    for (const d of devices) {
      const m = chosenMember(members, d) as string;
      expect(chosenMember([...members].reverse(), d)).toBe(m);
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    for (const m of members) expect(counts.get(m)).toBeGreaterThan(devices.length / 8);
  });

  it("moves only the leaving member's devices", () => {
    for (const d of devices) {
      const before = chosenMember(members, d);
      const after = chosenMember(["w1", "w2", "w4"], d);
      if (before !== "w3") expect(after).toBe(before);
    }
    expect(chosenMember([], "org1.dev1")).toBeUndefined();
  });
});

describe("SharedSubscriptions", () => {
  const client = (id: string) => ({ id }) as Client;
  const topic = "patronus/v1/d/org1.dev1/state";

  it("gives each message to one member of each share, and a plain subscriber everything", async () => {
    const shares = new SharedSubscriptions(new LocalShareDirectory());
    const [a, b, plain] = [client("a"), client("b"), client("p")];
    expect(await shares.subscribed(a, "$share/g/patronus/v1/d/+/state")).toBe(
      "patronus/v1/d/+/state",
    );
    await shares.subscribed(b, "$share/g/patronus/v1/d/+/state");
    await shares.subscribed(plain, "patronus/v1/d/+/state");
    const got = [a, b].filter((c) => shares.forward(c, { topic }));
    expect(got).toHaveLength(1);
    expect(shares.forward(plain, { topic })).toBe(true);
    // A retained message sent because of the SUBSCRIBE is not for a share.
    expect(shares.forward(got[0] as Client, { topic, retain: true })).toBe(false);

    shares.disconnected(got[0] as Client);
    const other = got[0] === a ? b : a;
    expect(shares.forward(other, { topic })).toBe(true);
    shares.unsubscribed(other, ["$share/g/patronus/v1/d/+/state"]);
    expect(shares.forward(other, { topic })).toBe(false);
  });
});
