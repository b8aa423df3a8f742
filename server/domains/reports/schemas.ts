import { z } from "zod";
import { zText } from "../../../protocol/text";
import { orgInput, ZEmail, ZId } from "../../api/inputs";

/** An instant with its offset, from a query string (on-demand periods). */
const ZInstant = zText()
  .max(40)
  .pipe(z.iso.datetime({ offset: true, message: "an ISO 8601 date and time with its offset" }))
  .transform((s) => new Date(s));

export const ZReportQuery = orgInput({
  /** A UTC calendar month, YYYY-MM (checked in services/period.ts: 2026-13 is a 400). */
  month: zText().max(7).optional(),
  from: ZInstant.optional(),
  to: ZInstant.optional(),
  /** One site only; another org's site is 404. */
  siteId: ZId.optional(),
});
export type ReportQuery = z.infer<typeof ZReportQuery>;

const num = z.number().nullable();
export const ZPercentiles = z.object({ p50: num, p95: num, p99: num });
export type Percentiles = z.infer<typeof ZPercentiles>;

const ZMeasures = {
  /** Minutes (or hours, at 1h resolution, counted in minutes) with measurements. */
  minutes: z.number(),
  latencyMs: ZPercentiles,
  jitterMs: ZPercentiles,
  lossPct: ZPercentiles,
};

export const ZClassFigures = z.object({
  slaClassId: zText(),
  name: zText(),
  maxLatencyMs: z.number(),
  maxJitterMs: z.number(),
  maxLossPct: z.number(),
  ...ZMeasures,
  /** Share of the measured minutes within every target (and the path up); null: no data. */
  compliancePct: num,
  latencyOkPct: num,
  jitterOkPct: num,
  lossOkPct: num,
});
export type ClassFigures = z.infer<typeof ZClassFigures>;

export const ZPathFigures = z.object({ pathId: zText(), upPct: num, ...ZMeasures });
export type PathFigures = z.infer<typeof ZPathFigures>;

export const ZReportIncident = z.object({
  id: zText(),
  number: z.number().int(),
  title: zText(),
  severity: zText(),
  status: zText(),
  siteId: zText().nullable(),
  siteName: zText().nullable(),
  openedAt: z.date(),
  resolvedAt: z.date().nullable(),
  /** Its time inside the period (an open one: until now or the period's end). */
  minutesInPeriod: z.number(),
});
export type ReportIncident = z.infer<typeof ZReportIncident>;

export const ZSiteReport = z.object({
  id: zText(),
  name: zText(),
  /** Share of the measured time with at least one path up; null: nothing measured. */
  availabilityPct: num,
  /** Share of the period (since the site existed, until now) that was measured. */
  coveragePct: num,
  measuredMinutes: z.number(),
  downMinutes: z.number(),
  /** The union of the site's incidents' time in the period (overlaps counted once). */
  incidentMinutes: z.number(),
  incidents: z.number().int(),
  classes: z.array(ZClassFigures),
  paths: z.array(ZPathFigures),
});
export type SiteReport = z.infer<typeof ZSiteReport>;

export const ZSlaReport = z.object({
  org: z.object({ name: zText(), slug: zText() }),
  period: z.object({ from: z.date(), to: z.date(), month: zText().nullable() }),
  /** The series resolution the figures come from: minutes while kept, else hours. */
  resolution: z.enum(["1m", "1h"]),
  generatedAt: z.date(),
  summary: z.object({
    availabilityPct: num,
    compliancePct: num,
    sites: z.number().int(),
    incidents: z.number().int(),
    incidentMinutes: z.number(),
  }),
  /** Every SLA class of the org, over all the report's sites. */
  classes: z.array(ZClassFigures),
  sites: z.array(ZSiteReport),
  incidents: z.array(ZReportIncident),
});
export type SlaReport = z.infer<typeof ZSlaReport>;

export const ZRecipients = z
  .array(ZEmail)
  .max(20, "at most 20 recipients")
  .refine(
    (a) => new Set(a.map((x) => x.toLowerCase())).size === a.length,
    "a recipient is listed twice",
  );

export const ZSchedule = z.object({
  enabled: z.boolean(),
  recipients: ZRecipients,
});
export const ZScheduleView = ZSchedule.extend({
  lastSent: z.object({ month: zText(), sentAt: z.date(), recipients: z.number() }).nullable(),
});
export type ScheduleView = z.infer<typeof ZScheduleView>;
