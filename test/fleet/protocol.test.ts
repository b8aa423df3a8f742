import { describe, expect, it } from "vitest";
import {
  CONTROL_PLANE_IDENTITY,
  configHash,
  decode,
  deviceIdentity,
  MAX_MESSAGE_BYTES,
  mayPublish,
  maySubscribe,
  mosquittoAcl,
  parseTopic,
  topics,
  ZReportedState,
} from "../../protocol";

const A = deviceIdentity("orgaaaaaaaa", "devaaaaaaaa");
const B = deviceIdentity("orgbbbbbbbb", "devbbbbbbbb");

describe("fleet protocol", () => {
  it("names topics by device identity and parses them back", () => {
    expect(parseTopic(topics.state(A))).toMatchObject({
      orgId: "orgaaaaaaaa",
      deviceId: "devaaaaaaaa",
      channel: "state",
    });
    expect(parseTopic(topics.telemetry(A, "links"))).toMatchObject({ kind: "links" });
    for (const bad of [
      "patronus/v1/d/not-an-identity/state",
      `patronus/v1/d/${A}/nope`,
      `patronus/v1/d/${A}/state/extra`,
      `patronus/v2/d/${A}/state`,
      `patronus/v1/d/${A}/telemetry/../x`,
    ])
      expect(parseTopic(bad), bad).toBeUndefined();
  });

  it("lets a device use its own subtree only, and never with wildcards", () => {
    expect(maySubscribe(A, topics.desired(A))).toBe(true);
    expect(maySubscribe(A, topics.cert(A))).toBe(true);
    expect(maySubscribe(A, topics.desired(B))).toBe(false);
    expect(maySubscribe(A, topics.state(A))).toBe(false);
    for (const f of ["#", "patronus/#", "patronus/v1/d/+/desired", `patronus/v1/d/${A}/#`])
      expect(maySubscribe(A, f), f).toBe(false);
    expect(mayPublish(A, topics.state(A))).toBe(true);
    expect(mayPublish(A, topics.telemetry(A, "links"))).toBe(true);
    expect(mayPublish(A, topics.desired(A))).toBe(false);
    expect(mayPublish(A, topics.state(B))).toBe(false);
  });

  it("gives the control plane the whole tree, shared subscriptions included", () => {
    expect(maySubscribe(CONTROL_PLANE_IDENTITY, "$share/w/patronus/v1/d/+/state")).toBe(true);
    expect(mayPublish(CONTROL_PLANE_IDENTITY, topics.desired(B))).toBe(true);
    expect(maySubscribe(CONTROL_PLANE_IDENTITY, "#")).toBe(false);
    expect(mosquittoAcl()).toContain(`user ${CONTROL_PLANE_IDENTITY}`);
  });

  it("refuses oversized, non-JSON and off-schema messages with a reason", () => {
    expect(() => decode(ZReportedState, Buffer.alloc(MAX_MESSAGE_BYTES + 1))).toThrow(/limit/);
    expect(() => decode(ZReportedState, "{nope")).toThrow(/not JSON/);
    expect(() => decode(ZReportedState, JSON.stringify({ v: 1, revision: -1 }))).toThrow(
      /revision/,
    );
  });

  it("hashes configs independently of key order", () => {
    expect(configHash({ a: 1, b: [{ c: 2, d: 3 }] })).toBe(
      configHash({ b: [{ d: 3, c: 2 }], a: 1 }),
    );
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
  });
});
