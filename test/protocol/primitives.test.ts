// The field shapes every uplink message is built from, at their edges: what PostgreSQL
// cannot store never passes (issue 20, item 1).
import { describe, expect, it } from "vitest";
import {
  INT4_MAX,
  ZCounter,
  ZInt4,
  ZIpAddress,
  ZIsoDate,
  ZMeasure,
  ZReportedAt,
} from "../../protocol/primitives";

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) =>
  schema.safeParse(v).success;

describe("protocol primitives", () => {
  it("keep instants to what JavaScript and PostgreSQL read alike", () => {
    for (const v of [
      "2026-12-06T10:00:00Z",
      "2026-12-06T10:00:00.123456+14:00",
      "2024-02-29T00:00:00-12:00",
    ])
      expect(ok(ZIsoDate, v), v).toBe(true);
    for (const v of [
      "0000-01-01T00:00:00Z", // PostgreSQL has no year 0
      "1969-12-31T23:59:59Z",
      "2026-01-01T00:00:00+23:00", // PostgreSQL refuses offsets beyond ±15:59
      "2026-01-01T00:00:00+14:01",
      "2023-02-29T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-12-06T10:00:00", // no offset
      "2026-12-06",
      "+010000-01-01T00:00:00Z",
      "2026-12-06T10:00:00\u0000Z",
      12345,
    ])
      expect(ok(ZIsoDate, v), String(v)).toBe(false);
  });

  it("accept a reported instant days off the server's clock, not years", () => {
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const day = 86_400_000;
    expect(ok(ZReportedAt, at(-2 * day))).toBe(true);
    expect(ok(ZReportedAt, at(2 * day))).toBe(true);
    expect(ok(ZReportedAt, "2001-01-01T00:00:00Z")).toBe(true);
    expect(ok(ZReportedAt, "1970-01-01T00:00:00Z")).toBe(false);
    expect(ok(ZReportedAt, at(400 * day))).toBe(false);
    expect(ok(ZReportedAt, "9999-12-31T00:00:00Z")).toBe(false);
  });

  it("keep numbers within their columns", () => {
    expect(ok(ZInt4, INT4_MAX)).toBe(true);
    for (const v of [INT4_MAX + 1, 2 ** 40, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(ok(ZInt4, v), String(v)).toBe(false);
    expect(ok(ZCounter, Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(ok(ZCounter, 2 ** 64)).toBe(false);
    expect(ok(ZMeasure, 1e9)).toBe(true);
    for (const v of [1e308, -0.1, Number.POSITIVE_INFINITY]) expect(ok(ZMeasure, v)).toBe(false);
  });

  it("take IP addresses of both families and nothing else", () => {
    for (const v of ["127.0.0.2", "2001:db8::1", "::1"]) expect(ok(ZIpAddress, v), v).toBe(true);
    for (const v of ["256.0.0.1", "10.0.0.0/8", "fe80::1%eth0", "host.example", "", "1.2.3"])
      expect(ok(ZIpAddress, v), v).toBe(false);
  });
});
