import { z } from "zod";
import { zText } from "../../../protocol/text";
import { orgInput } from "../../api/inputs";
import { METRIC_NAMES } from "../../platform/series/catalog";

export const ZSeriesResolution = z.enum(["raw", "1m", "1h"]);
export type SeriesResolution = z.infer<typeof ZSeriesResolution>;

export const ZSeriesQuery = orgInput({
  /** What the id names: a site (its devices' series combined), a device, a path, a class. */
  kind: z.enum(["site", "device", "path", "class"]),
  id: zText().min(1).max(130),
  metric: z.enum(METRIC_NAMES),
  from: z.coerce.date(),
  /** Default: now. */
  to: z.coerce.date().optional(),
  /** auto: raw for up to an hour, minutes up to two days, hours beyond (and never finer than kept). */
  resolution: z.enum(["auto", ...ZSeriesResolution.options]).default("auto"),
});
export type SeriesQuery = z.infer<typeof ZSeriesQuery>;

export const ZSeriesPoint = z.object({
  at: z.date(),
  avg: z.number(),
  min: z.number(),
  max: z.number(),
});

export const ZSeriesResult = z.object({
  kind: z.enum(["site", "device", "path", "class"]),
  id: zText(),
  metric: z.enum(METRIC_NAMES),
  unit: zText(),
  /** How the object's series were combined per step: rates add up, gauges average. */
  combine: z.enum(["sum", "avg"]),
  resolution: ZSeriesResolution,
  stepSeconds: z.number().int(),
  from: z.date(),
  to: z.date(),
  /** One line per label set (a drop reason, a placement's path), oldest point first. */
  lines: z.array(z.object({ labels: z.record(zText(), zText()), points: z.array(ZSeriesPoint) })),
});
export type SeriesResult = z.infer<typeof ZSeriesResult>;

/** What `series.top` ranks: a site's or a device's WAN throughput, or an application class's. */
export const ZTopBy = z.enum(["site", "device", "class"]);

export const ZSeriesTopQuery = orgInput({
  by: ZTopBy,
  /** Only this site's devices or classes (another org's site is NOT_FOUND). */
  siteId: zText().min(1).max(64).optional(),
  from: z.coerce.date(),
  /** Default: now. */
  to: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(20).default(5),
  /** auto: minutes up to two days, hours beyond (never raw: reports come every ~30 s). */
  resolution: z.enum(["auto", "1m", "1h"]).default("auto"),
  /** `points`: also each item's throughput per step (for a chart); `totals`: a ranked list. */
  view: z.enum(["totals", "points"]).default("totals"),
});
export type SeriesTopQuery = z.infer<typeof ZSeriesTopQuery>;

export const ZSeriesTopResult = z.object({
  by: ZTopBy,
  resolution: ZSeriesResolution,
  stepSeconds: z.number().int(),
  from: z.date(),
  to: z.date(),
  /** Most traffic first (rx + tx), at most `limit`. */
  items: z.array(
    z.object({
      /** The site's or device's id, or the class's name. */
      id: zText(),
      name: zText(),
      /** Bits received and sent in the window (each step's average rate × its length). */
      rxBits: z.number(),
      txBits: z.number(),
      /** With view `points`: average bit/s per step, oldest first (steps without reports left out). */
      points: z.array(z.object({ at: z.date(), rx: z.number(), tx: z.number() })),
    }),
  ),
});
export type SeriesTopResult = z.infer<typeof ZSeriesTopResult>;
