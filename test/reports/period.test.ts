// Pure: report periods and incident time (the parts the int tests reach only through SQL).
import { describe, expect, it } from "vitest";
import { unionMinutes } from "../../server/domains/reports/services/intervals";
import { periodOf, previousMonth } from "../../server/domains/reports/services/period";

const now = new Date("2026-12-07T12:00:00Z");
const t = (iso: string) => new Date(iso).getTime();

describe("report periods", () => {
  it("takes UTC months, including December and leap Februaries", () => {
    expect(periodOf({ month: "2024-02" }, now)).toEqual({
      from: new Date("2024-02-01T00:00:00Z"),
      to: new Date("2024-03-01T00:00:00Z"),
      month: "2024-02",
    });
    expect(periodOf({ month: "2025-12" }, now).to).toEqual(new Date("2026-01-01T00:00:00Z"));
    expect(previousMonth(new Date("2026-01-01T00:30:00Z"))).toBe("2025-12");
  });

  it("refuses what is not a period, saying why", () => {
    for (const [q, message] of [
      [{ month: "2026-13" }, "month must be YYYY-MM with a month from 01 to 12"],
      [{ month: "2026-00" }, "month must be YYYY-MM with a month from 01 to 12"],
      [{ month: "2027-01" }, "the period has not started yet"],
      [{ from: new Date(t("2026-01-02")), to: new Date(t("2026-01-01")) }, "to must be after from"],
      [
        { from: new Date(t("2026-01-01")), to: new Date(t("2026-04-05")) },
        "a report covers at most 93 days",
      ],
    ] as const)
      expect(() => periodOf(q, now)).toThrow(message);
  });

  it("counts overlapping incidents once", () => {
    expect(
      unionMinutes([
        { from: t("2026-01-01T10:00Z"), to: t("2026-01-01T10:30Z") },
        { from: t("2026-01-01T10:10Z"), to: t("2026-01-01T10:20Z") },
        { from: t("2026-01-01T10:30Z"), to: t("2026-01-01T10:45Z") },
        { from: t("2026-01-01T12:00Z"), to: t("2026-01-01T12:05Z") },
      ]),
    ).toBe(50);
    expect(unionMinutes([])).toBe(0);
  });
});
