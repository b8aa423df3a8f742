// Field shapes every fleet message is built from: addresses, prefixes, ports, interface
// names, dates. Messages are z.object, not strict: a field this side does not know is
// ignored, never refused (the protocol policy in docs/architecture.md). No wire schema
// transforms or defaults a value, so what a message says is what was sent.
import { z } from "zod";
import { zText } from "./text";

export const ZCidr4 = zText()
  .max(18)
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "expected an IPv4 prefix such as 10.0.0.0/24")
  .refine((s) => {
    const [addr, len] = s.split("/") as [string, string];
    return Number(len) <= 32 && addr.split(".").every((o) => Number(o) <= 255);
  }, "not a valid IPv4 prefix");
export const ZIpv4 = zText()
  .max(15)
  .regex(/^(\d{1,3}\.){3}\d{1,3}$/, "expected an IPv4 address")
  .refine((s) => s.split(".").every((o) => Number(o) <= 255), "not a valid IPv4 address");
const IP4 = z.ipv4();
const IP6 = z.ipv6();
/** An IPv4 or IPv6 address (no zone, no prefix). */
export const ZIpAddress = zText()
  .max(45)
  .refine((s) => IP4.safeParse(s).success || IP6.safeParse(s).success, "not an IP address");
export const ZPort = z.number().int().min(1).max(65535);
export const ZIfname = zText()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,14}$/, "not an interface name")
  // Names that mean something else to sysctl and ip ("all" and "default" are the
  // conf/all and conf/default settings).
  .refine((s) => !["all", "default", "lo"].includes(s), "not a usable interface name");

/** Offsets beyond ±14:00 exist nowhere, and PostgreSQL refuses those beyond ±15:59. */
const offsetInRange = (s: string) => {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(s);
  return !m || Number(m[2]) * 60 + Number(m[3]) <= 14 * 60;
};
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * An ISO 8601 instant with an offset, that JavaScript and PostgreSQL both read as the same
 * time: a real calendar day, an offset within ±14:00, a year from 1970 to 9999 (year 0000,
 * which PostgreSQL refuses, is out).
 */
export const ZIsoDate = zText()
  .datetime({ offset: true })
  .max(40)
  .refine(offsetInRange, "time zone offset out of range")
  .refine((s) => {
    const t = Date.parse(s);
    return t >= EARLIEST && t <= LATEST;
  }, "date out of range");

const DAY_MS = 86_400_000;
/** The earliest instant a device may report (no box has a config older than this). */
export const REPORTED_EARLIEST = Date.UTC(2000, 0, 1);
/** How far past the server's clock a device's instant may be (a fast clock, not a wrong year). */
export const REPORTED_AHEAD_MS = 366 * DAY_MS;

/**
 * An instant a device reports, within a sane window of the server's clock: not before 2000,
 * not more than a year ahead. Days of skew pass (and are reported as skew); a clock reset to
 * the epoch or a year far ahead does not reach the database.
 */
export const ZReportedAt = ZIsoDate.refine((s) => {
  const t = Date.parse(s);
  return t >= REPORTED_EARLIEST && t <= Date.now() + REPORTED_AHEAD_MS;
}, "time outside the window the control plane accepts (2000-01-01 to a year from now)");

/** PostgreSQL's `int` (int4): revisions, counts and ids the database stores as integers. */
export const INT4_MAX = 2_147_483_647;
export const ZInt4 = z.number().int().min(0).max(INT4_MAX);

/** A byte or packet counter: a whole number JavaScript holds exactly (fits `bigint`). */
export const ZCounter = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * A measurement (milliseconds, seconds, a rate): finite and within what any real link or box
 * produces, so sums and averages over many stay finite in `double precision`.
 */
export const ZMeasure = z.number().min(0).max(1e9);

/**
 * A message's version. It rises only for a change an older receiver would misread; new
 * optional fields and sections do not raise it (receivers ignore what they do not know).
 */
export const ZV = z.number().int().min(1).max(1000);
