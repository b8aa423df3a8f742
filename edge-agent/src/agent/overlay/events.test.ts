import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_BYTES, ZPathEvents } from "../../../../protocol";
import { EventQueue } from "./events";
import { fitReport } from "./publisher";
import type { DraftEvent } from "./select";

const draft = (i: number): DraftEvent => ({
  kind: "failover",
  unit: "class:1",
  unitName: "Voice",
  remoteSiteId: "site_b",
  fromPath: "a~b",
  toPath: "c~d",
  reason: `latency ${i} ms > 150 ms`,
});

describe("EventQueue", () => {
  it("stamps unique ids the protocol accepts, and keeps events until acknowledged", () => {
    const q = new EventQueue();
    const at = new Date("2026-01-02T03:04:05Z");
    const a = q.push(draft(1), at);
    const b = q.push(draft(2), at);
    expect(a.id).not.toBe(b.id);
    expect(a.at).toBe("2026-01-02T03:04:05.000Z");
    expect(ZPathEvents.parse({ v: 1, events: q.peek() }).events).toHaveLength(2);
    expect(new EventQueue().push(draft(1), at).id).not.toBe(a.id); // another boot
    q.ack([a]);
    expect(q.peek()).toEqual([b]);
  });

  it("keeps only the newest events when full, counting what it dropped", () => {
    const q = new EventQueue(1000);
    for (let i = 0; i < 1005; i++) q.push(draft(i));
    expect(q.size).toBe(1000);
    expect(q.dropped).toBe(5);
    expect(q.peek(1)[0]!.reason).toBe("latency 5 ms > 150 ms");
    expect(q.peek()).toHaveLength(200);
  });
});

describe("fitReport", () => {
  it("cuts selections (never paths) until the message fits the channel's limit", () => {
    const selection = Array.from({ length: 4096 }, (_, i) => ({
      unit: `policy:${"x".repeat(100)}${i}`,
      unitName: "n".repeat(100),
      remoteSiteId: `site_${i}`,
      pathId: "a~b",
      since: new Date(0).toISOString(),
    }));
    const report = { v: 1 as const, at: new Date(0).toISOString(), paths: [], selection };
    const { payload, cut } = fitReport(report);
    expect(payload.length).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(cut).toBeGreaterThan(0);
    expect(fitReport({ ...report, selection: selection.slice(0, 10) }).cut).toBe(0);
  });
});
