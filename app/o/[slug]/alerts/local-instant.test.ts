import { describe, expect, it } from "vitest";
import { localToIso, toLocalInput } from "./local-instant";

describe("datetime-local values as instants with their offset", () => {
  it("names the same instant the viewer meant", () => {
    for (const value of ["2026-01-15T09:30", "2026-07-15T23:05", "2026-03-29T12:00"]) {
      const iso = localToIso(value);
      expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00[+-]\d{2}:\d{2}$/);
      expect(new Date(iso as string).getTime()).toBe(new Date(`${value}:00`).getTime());
      expect(toLocalInput(new Date(iso as string))).toBe(value);
    }
  });

  it("refuses what is not a local date and time", () => {
    for (const bad of ["", "2026-01-15", "tomorrow", "2026-01-15T9:30", "2026-13-40T10:00"])
      expect(localToIso(bad)).toBeNull();
  });
});
