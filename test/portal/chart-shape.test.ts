// The portal charts' data shaping: windows, rows joined by time with gaps kept as gaps,
// figures in words, and incident markers clipped to the window.
import { describe, expect, it } from "vitest";
import {
  dropReasonLabel,
  evenTicks,
  formatPacketRate,
  formatRate,
  incidentMarkers,
  joinLines,
  summarize,
  windowRange,
} from "../../app/o/[slug]/_charts/shape";

const t0 = Date.parse("2026-03-07T10:00:00Z");
const at = (min: number) => new Date(t0 + min * 60_000);
const pts = (entries: [number, number][]) => entries.map(([m, value]) => ({ at: at(m), value }));

describe("chart windows", () => {
  it("end at the next whole minute, so a query keeps its key for a minute", () => {
    const r = windowRange("1h", t0 + 12_345);
    expect(r.to).toEqual(at(1));
    expect(r.from).toEqual(at(-59));
    expect(windowRange("30d", t0).to.getTime() - windowRange("30d", t0).from.getTime()).toBe(
      30 * 86_400_000,
    );
  });
});

describe("joinLines", () => {
  it("joins lines by time, a missing value null", () => {
    const rows = joinLines(
      {
        rx: pts([
          [0, 1],
          [1, 2],
          [2, 3],
        ]),
        tx: pts([
          [0, 10],
          [2, 30],
        ]),
      },
      60_000,
    );
    expect(rows).toEqual([
      { t: at(0).getTime(), rx: 1, tx: 10 },
      { t: at(1).getTime(), rx: 2, tx: null },
      { t: at(2).getTime(), rx: 3, tx: 30 },
    ]);
  });

  it("breaks the lines where reports stopped for more than three usual intervals", () => {
    const rows = joinLines(
      {
        rx: pts([
          [0, 1],
          [1, 1],
          [2, 1],
          [3, 1],
          [10, 5],
          [11, 5],
        ]),
      },
      60_000,
    );
    expect(rows.map((r) => [(r.t - t0) / 60_000, r.rx])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 1],
      [4, null],
      [10, 5],
      [11, 5],
    ]);
  });

  it("keeps sparse reports joined when they are sparse all along (every 30 s on 10 s steps)", () => {
    const rows = joinLines({ v: pts([0, 0.5, 1, 1.5].map((m) => [m, 7])) }, 10_000);
    expect(rows.every((r) => r.v === 7)).toBe(true);
  });

  it("answers nothing for no points", () => {
    expect(joinLines({ rx: [], tx: [] }, 60_000)).toEqual([]);
  });
});

describe("summarize", () => {
  it("gives latest, mean, min and max, ignoring gaps", () => {
    const rows = joinLines(
      {
        v: pts([
          [0, 2],
          [1, 4],
          [9, 9],
        ]),
      },
      60_000,
    );
    expect(summarize(rows, "v")).toEqual({ latest: 9, mean: 5, min: 2, max: 9, count: 3 });
    expect(summarize([], "v")).toBeNull();
  });
});

describe("incidentMarkers", () => {
  const base = { severity: "critical", title: "Path down" };
  const from = at(0).getTime();
  const to = at(60).getTime();
  const now = at(55).getTime();

  it("clips incidents to the window, an open one runs to now, those outside are left out", () => {
    const marks = incidentMarkers(
      [
        { ...base, id: "open", number: 4, openedAt: at(50), resolvedAt: null },
        { ...base, id: "inside", number: 2, openedAt: at(10), resolvedAt: at(20) },
        { ...base, id: "before", number: 1, openedAt: at(-30), resolvedAt: at(5) },
        { ...base, id: "gone", number: 0, openedAt: at(-90), resolvedAt: at(-61) },
        { ...base, id: "later", number: 5, openedAt: at(61), resolvedAt: null },
      ],
      from,
      to,
      now,
    );
    expect(marks.map((m) => [m.id, (m.x1 - t0) / 60_000, (m.x2 - t0) / 60_000])).toEqual([
      ["before", 0, 5],
      ["inside", 10, 20],
      ["open", 50, 55],
    ]);
    expect(marks.map((m) => [m.ongoing, m.startsBefore])).toEqual([
      [false, true],
      [false, false],
      [true, false],
    ]);
  });

  it("ends an incident resolved after the window at the window's end", () => {
    const [m] = incidentMarkers(
      [{ ...base, id: "x", number: 9, openedAt: at(30), resolvedAt: at(90) }],
      from,
      to,
      at(100).getTime(),
    );
    expect(m?.x2).toBe(to);
  });
});

describe("evenTicks", () => {
  it("spans the whole window", () => {
    expect(evenTicks(0, 600, 6)).toEqual([0, 100, 200, 300, 400, 500, 600]);
  });
});

describe("formatRate", () => {
  it("uses decimal units", () => {
    expect(formatRate(950)).toBe("950 bit/s");
    expect(formatRate(12_500_000)).toBe("12.5 Mbit/s");
    expect(formatRate(2e9)).toBe("2.0 Gbit/s");
  });
});

describe("packet rates and drop reasons", () => {
  it("formats packet rates in decimal units, whole packets without a fraction", () => {
    expect(formatPacketRate(850)).toBe("850 pkt/s");
    expect(formatPacketRate(0.5)).toBe("0.5 pkt/s");
    expect(formatPacketRate(1234)).toBe("1.2 k pkt/s");
    expect(formatPacketRate(3.2e6)).toBe("3.2 M pkt/s");
  });

  it("names drop reasons in words", () => {
    expect(dropReasonLabel("policy_deny")).toBe("Policy deny");
    expect(dropReasonLabel("syn_flood_drop")).toBe("SYN flood");
    expect(dropReasonLabel("tcp_rst_invalid_drop")).toBe("TCP RST invalid");
    expect(dropReasonLabel("_drop")).toBe("_drop");
  });
});
