// The wire shape of a diff, for procedures that return one (`.output()`), kept out of
// index.ts so the browser's bundle of the pure diff does not carry it.
import { z } from "zod";
import { zText } from "../../../protocol/text";
import type { Change, Json } from "./types";

// Values are any JSON: their shape is the diffed value's, not the API's.
const ZJsonValue = z.unknown() as z.ZodType<Json>;
const ZId = z.union([zText(), z.number()]);
const ZSegment = z.union([
  zText(),
  z.number(),
  z.object({ key: zText(), id: ZId, label: zText().optional() }),
]);
const ZPath = z.array(ZSegment);

export const ZChange: z.ZodType<Change> = z.discriminatedUnion("op", [
  z.object({
    op: z.literal("added"),
    path: ZPath,
    after: ZJsonValue,
    at: z.number().optional(),
    redacted: z.boolean().optional(),
  }),
  z.object({
    op: z.literal("removed"),
    path: ZPath,
    before: ZJsonValue,
    redacted: z.boolean().optional(),
  }),
  z.object({
    op: z.literal("changed"),
    path: ZPath,
    before: ZJsonValue,
    after: ZJsonValue,
    redacted: z.boolean().optional(),
  }),
  z.object({
    op: z.literal("reordered"),
    path: ZPath,
    key: zText(),
    before: z.array(ZId),
    after: z.array(ZId),
  }),
]) as z.ZodType<Change>;

/** One named part of a value (an intent section, a config section) and its changes. */
export const ZSectionDiff = z.object({ section: zText(), changes: z.array(ZChange) });
