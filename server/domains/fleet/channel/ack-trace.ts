// A traced apply, on the control plane's side (docs/observability.md, "Traces"). An agent
// that applied a desired state carrying a traceparent echoes it in its report with the
// apply's times (protocol/trace.ts); on receipt the ingest records the agent's apply as a
// span of that trace (parent: the publish), and opens the ingest span, which ends when the
// report is written. A report without a well-formed trace records nothing and counts the same.
import type { ReportedState } from "../../../../protocol";
import {
  contextOf,
  contextWith,
  endSpan,
  openSpan,
  type Span,
  SpanKind,
} from "../../../platform/tracing/spans";

/** Open ingest spans, by the report they belong to (kept while it waits in a batch). */
const ingestSpans = new WeakMap<object, Span>();

/** Records the agent's apply and opens the ingest span of a state report (tracing on). */
export function traceReport(report: ReportedState, deviceId: string, receivedAt = new Date()) {
  const t = report.trace;
  const parent = t && contextOf(t.traceparent);
  if (!t || !parent) return;
  // By the box's clock. An apply cannot end after its report arrived: a clock that runs
  // ahead is shifted back (by as much as it is ahead) rather than drawn in the future.
  const ahead = Math.max(0, Date.parse(t.endedAt) - receivedAt.getTime());
  const startTime = new Date(Date.parse(t.startedAt) - ahead);
  const endTime = new Date(Date.parse(t.endedAt) - ahead);
  const attributes = { "patronus.device_id": deviceId };
  const apply = openSpan("agent.apply", {
    kind: SpanKind.CONSUMER,
    parent,
    startTime,
    attributes: {
      ...attributes,
      "patronus.revision": report.attempted ?? report.revision,
      "patronus.apply_status": report.status,
      ...(ahead > 0 ? { "patronus.agent_clock_shift_ms": ahead } : {}),
    },
  });
  const failed = report.status === "applied" ? undefined : new Error(report.error ?? report.status);
  endSpan(apply, failed, endTime);
  const ingest = openSpan("fleet.ingest", {
    parent: contextWith(apply),
    startTime: receivedAt,
    attributes,
  });
  if (ingest) ingestSpans.set(report, ingest);
}

/** The open ingest spans of `messages` (a batch's entries). */
export function ingestSpansOf(messages: Iterable<unknown>): Span[] {
  const out: Span[] = [];
  for (const m of messages) {
    const span = typeof m === "object" && m !== null ? ingestSpans.get(m) : undefined;
    if (span) out.push(span);
  }
  return out;
}

/** Ends the ingest span of `message` (written, or quarantined with `error`). */
export function endIngestSpan(message: unknown, error?: unknown) {
  if (typeof message !== "object" || message === null) return;
  endSpan(ingestSpans.get(message), error);
  ingestSpans.delete(message);
}
