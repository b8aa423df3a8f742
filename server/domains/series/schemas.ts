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
