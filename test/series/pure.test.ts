// The pure parts of the tenant time series: partition ranges, the read API's choice of
// resolution, label escaping, and what each feed turns a report into.
import { describe, expect, it } from "vitest";
import { escapeLabel } from "../../protocol";
import { PLANS } from "../../server/domains/billing/services/plans";
import { usageSeriesPoints } from "../../server/domains/billing/services/usage/series-points";
import { pathSeriesPoints } from "../../server/domains/overlay/series-points";
import { dataplanePoints } from "../../server/domains/series/dataplane-channel";
import { chooseResolution } from "../../server/domains/series/services/read-series";
import { SeriesIdCache } from "../../server/platform/series/id-cache";
import { rangesBetween } from "../../server/platform/series/partitions";
import { labelsText } from "../../server/platform/series/write";
import { pathReport } from "../../testkit/factories/overlay-fleet";

const d = (iso: string) => new Date(iso);

describe("series, pure parts", () => {
  it("cuts raw partitions by UTC day and rollups by UTC month", () => {
    expect(
      rangesBetween("series_points", d("2026-12-31T23:00:00Z"), d("2027-01-01T01:00:00Z")),
    ).toEqual([
      [d("2026-12-31T00:00:00Z"), d("2027-01-01T00:00:00Z")],
      [d("2027-01-01T00:00:00Z"), d("2027-01-02T00:00:00Z")],
    ]);
    expect(
      rangesBetween("series_points_1h", d("2026-12-15T00:00:00Z"), d("2027-01-01T00:00:00Z")),
    ).toEqual([
      [d("2026-12-01T00:00:00Z"), d("2027-01-01T00:00:00Z")],
      [d("2027-01-01T00:00:00Z"), d("2027-02-01T00:00:00Z")],
    ]);
  });

  it("chooses raw, minutes or hours by the window and what the plan keeps", () => {
    const now = d("2026-12-10T12:00:00Z");
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const free = PLANS.free.seriesRetention;
    expect(chooseResolution(ago(3_600_000), now, now, free)).toBe("raw");
    expect(chooseResolution(ago(6 * 3_600_000), now, now, free)).toBe("1m");
    expect(chooseResolution(ago(3 * 86_400_000), now, now, free)).toBe("1h");
    // A short window two days back: free keeps raw points a day, minutes a week.
    expect(chooseResolution(ago(2 * 86_400_000), ago(2 * 86_400_000 - 600_000), now, free)).toBe(
      "1m",
    );
    expect(chooseResolution(ago(10 * 86_400_000), ago(10 * 86_400_000 - 600_000), now, free)).toBe(
      "1h",
    );
  });

  it("escapes label values and keys labels canonically", () => {
    expect(escapeLabel('a "b" \\ c\nd')).toBe('a \\"b\\" \\\\ c\\nd');
    expect(labelsText({ b: "2", a: "1" })).toBe('{"a":"1","b":"2"}');
    expect(labelsText(undefined)).toBe("{}");
  });

  it("turns a paths report into path metrics and class placement, never in the future", () => {
    const report = { ...pathReport([{ id: "p1", state: "down" }]), at: "2099-01-01T00:00:00.000Z" };
    report.selection = [
      { unit: "policy:7", unitName: "x", remoteSiteId: "s2", pathId: null, since: report.at },
    ];
    const points = pathSeriesPoints([["dev1", report]], Date.parse("2026-12-10T12:00:00Z"));
    expect(points.map((p) => [p.kind, p.objectId, p.metric, p.value, p.labels])).toEqual([
      ["path", "p1", "latency_ms", 12.5, undefined],
      ["path", "p1", "jitter_ms", 1.5, undefined],
      ["path", "p1", "loss_percent", 0, undefined],
      ["path", "p1", "mos", 4.3, undefined],
      ["path", "p1", "up", 0, undefined],
      ["class", "policy:7", "placement", 1, { remote_site: "s2", path: "none" }],
    ]);
    expect(new Set(points.map((p) => p.ts.toISOString()))).toEqual(
      new Set(["2026-12-10T12:00:00.000Z"]),
    );
  });

  it("makes rates of usage only within one run of the agent", () => {
    const step = {
      deviceId: "dev1",
      prev: { epoch: 5, rx: 0, tx: 0, at: 0 },
      epoch: 5,
      added: { rx: 1000, tx: 10 },
      prevClasses: { web: [0, 0] as [number, number] },
      classes: ["web", "new"],
      classAdded: new Map([["web", { rx: 500, tx: 0 }]]),
      classRefused: new Set<string>(),
      nowMs: 4000,
    };
    expect(usageSeriesPoints(step).map((p) => [p.metric, p.objectId, p.value])).toEqual([
      ["rx_bits_per_second", "dev1", 2000],
      ["tx_bits_per_second", "dev1", 20],
      ["class_rx_bits_per_second", "web", 1000],
      ["class_tx_bits_per_second", "web", 0],
    ]);
    expect(usageSeriesPoints({ ...step, epoch: 6 })).toEqual([]);
    expect(usageSeriesPoints({ ...step, prev: null })).toEqual([]);
  });

  it("reads only known data-plane rates and well-formed drop reasons", () => {
    const t = {
      v: 1,
      at: "2026-12-10T12:00:00.000Z",
      metrics: {
        rx_packets_per_second: 3,
        "drops_per_second.x": 1,
        "drops_per_second.A B": 2,
        other: 4,
        tx_packets_per_second: -1,
      },
    };
    expect(
      dataplanePoints("dev1", t, Date.now()).map((p) => [p.metric, p.labels, p.value]),
    ).toEqual([
      ["rx_packets_per_second", undefined, 3],
      ["drops_per_second", { reason: "x" }, 1],
    ]);
  });
});

describe("series id cache", () => {
  it("keys entries by org and forgets the least recently used first", () => {
    const cache = new SeriesIdCache(2);
    cache.set("org_a", "k", 1n);
    cache.set("org_b", "k", 2n);
    expect([cache.get("org_a", "k"), cache.get("org_b", "k")]).toEqual([1n, 2n]);
    cache.get("org_a", "k"); // a is now the most recent
    cache.set("org_c", "k", 3n);
    expect(cache.size).toBe(2);
    expect(cache.get("org_b", "k")).toBeUndefined();
    expect(cache.get("org_a", "k")).toBe(1n);
    cache.delete("org_a", "k");
    expect(cache.get("org_a", "k")).toBeUndefined();
  });
});
