// Trace context on the fleet channel (docs/observability.md, "Traces"): a desired state may
// carry the W3C `traceparent` of the publish that sent it, and the agent echoes it in its
// report with the times of its apply, so the control plane records the apply in the same
// trace. Both fields are optional and diagnostic only: one that is malformed is dropped
// (`.catch`), never a reason to refuse the message it rides on.
import { z } from "zod";
import { ZReportedAt } from "./primitives";
import { zText } from "./text";

/**
 * W3C Trace Context, version 00: `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`,
 * lowercase, neither id all zeros. Exactly 55 characters.
 */
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export const ZTraceparent = zText().max(55).regex(TRACEPARENT, "not a W3C traceparent");

/** The longest apply a report may claim (the agent's own bound is minutes). */
export const MAX_APPLY_TRACE_MS = 3_600_000;

/** What an agent reports of one apply it was asked for with a traceparent. */
export const ZApplyTrace = z
  .object({
    /** The desired state's traceparent, as received. */
    traceparent: ZTraceparent,
    /** When the agent took the message off its queue, by its clock. */
    startedAt: ZReportedAt,
    /** When it had applied (or refused, or rolled back) it and was about to report. */
    endedAt: ZReportedAt,
  })
  .refine((t) => {
    const ms = Date.parse(t.endedAt) - Date.parse(t.startedAt);
    return ms >= 0 && ms <= MAX_APPLY_TRACE_MS;
  }, "endedAt must be after startedAt, within an hour");
export type ApplyTrace = z.infer<typeof ZApplyTrace>;

/** `value` when it is a well-formed traceparent, else undefined (a state decoded as sent). */
export function traceparentOf(value: unknown): string | undefined {
  return ZTraceparent.safeParse(value).success ? (value as string) : undefined;
}
