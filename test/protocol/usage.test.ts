// telemetry/usage's per-class counters (protocol/usage.ts): optional, bounded, names like
// the overlay's class names, counters like ZCounter, no name twice; and the ingest's schema,
// which lets a bad `classes` through to be dropped alone (write-usage.ts).
import { describe, expect, it } from "vitest";
import {
  MAX_USAGE_CLASSES,
  ZUsageClasses,
  ZUsageTelemetry,
  ZUsageTelemetryIngest,
} from "../../protocol";

const report = (classes?: unknown) => ({
  v: 1,
  at: new Date().toISOString(),
  metrics: { epoch: 1_764_500_000_000, rx_bytes: 1000, tx_bytes: 500, classes },
});
const cls = (name: string, rx = 1, tx = 1) => ({ name, rx_bytes: rx, tx_bytes: tx });

describe("usage classes", () => {
  it("are optional: a report without them is as valid as before", () => {
    const { classes: _, ...metrics } = report().metrics;
    expect(ZUsageTelemetry.safeParse({ ...report(), metrics }).success).toBe(true);
  });

  it("take class names with cumulative counters, as sent", () => {
    const classes = [cls("web", 10, 5), cls("Microsoft 365", 0, 0), cls("other", 2 ** 53 - 1, 0)];
    expect(ZUsageTelemetry.parse(report(classes)).metrics.classes).toEqual(classes);
  });

  it.each([
    ["an empty name", [cls("")]],
    ["a name over 60 characters", [cls("x".repeat(61))]],
    ["a padded name", [cls(" web")]],
    ["a control character", [cls("we\u0000b")]],
    ["a direction override", [cls("web\u202e")]],
    ["a name twice", [cls("web"), cls("video"), cls("web")]],
    ["a negative counter", [cls("web", -1)]],
    ["a fraction", [cls("web", 1.5)]],
    ["a huge counter", [cls("web", 2 ** 60)]],
    ["a counter as text", [{ name: "web", rx_bytes: "12", tx_bytes: 1 }]],
    ["a missing counter", [{ name: "web", rx_bytes: 1 }]],
    ["too many entries", Array.from({ length: MAX_USAGE_CLASSES + 1 }, (_, i) => cls(`c${i}`))],
    ["not a list", { web: { rx_bytes: 1, tx_bytes: 1 } }],
  ])("refuse %s", (_, classes) => {
    expect(ZUsageClasses.safeParse(classes).success).toBe(false);
    expect(ZUsageTelemetry.safeParse(report(classes)).success).toBe(false);
    // The ingest's schema lets the message through: its totals count, its classes do not.
    const ingest = ZUsageTelemetryIngest.safeParse(report(classes));
    expect(ingest.success).toBe(true);
  });

  it("allow up to the bound", () => {
    const classes = Array.from({ length: MAX_USAGE_CLASSES }, (_, i) => cls(`c${i}`));
    expect(ZUsageClasses.safeParse(classes).success).toBe(true);
  });

  it("the ingest's schema still checks the totals", () => {
    const bad = { ...report(), metrics: { epoch: 1, rx_bytes: -1, tx_bytes: 0 } };
    expect(ZUsageTelemetryIngest.safeParse(bad).success).toBe(false);
  });
});
