// Spans by hand at the points a configuration change passes (docs/observability.md,
// "Traces"), and the W3C traceparent that carries a trace across a queue or the fleet
// channel. While tracing is off (the default) every helper runs its work directly: no span,
// no context, no allocation beyond the call. The on switch lives on globalThis: the portal
// loads this module twice (tsx, and Next's server bundle), and both copies must agree.
import {
  type Attributes,
  type Context,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import { traceparentOf } from "../../../protocol/trace";

export type { Span };
export { SpanKind, SpanStatusCode };

const g = globalThis as unknown as { patronusTracing?: { on: boolean } };

/** Whether spans are recorded and exported in this process (startTracing turned it on). */
export const tracingOn = () => g.patronusTracing?.on === true;

/** For start.ts only. */
export function setTracingOn(on: boolean) {
  g.patronusTracing = { on };
}

const tracer = () => trace.getTracer("patronus");

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent (from contextOf); the active context when omitted. */
  parent?: Context;
}

function failed(span: Span, error: unknown) {
  const e = error instanceof Error ? error : new Error(String(error));
  span.recordException(e);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message.slice(0, 500) });
}

/**
 * Runs `fn` in a new span named `name`, which is active (the parent of spans started
 * inside) and ends when `fn` settles; a throw marks it failed. Off: runs `fn(undefined)`.
 */
export function inSpan<T>(
  name: string,
  opts: SpanOptions,
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!tracingOn()) return fn(undefined);
  const parent = opts.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        failed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Starts a span that the caller ends (`endSpan`), for work that does not fit one call (a
 * report waiting in a batch). Undefined while tracing is off.
 */
export function openSpan(name: string, opts: SpanOptions & { startTime?: Date }): Span | undefined {
  if (!tracingOn()) return undefined;
  return tracer().startSpan(
    name,
    { kind: opts.kind, attributes: opts.attributes, startTime: opts.startTime },
    opts.parent ?? context.active(),
  );
}

/** Ends `span` (if any), failed when `error` is given. */
export function endSpan(span: Span | undefined, error?: unknown, endTime?: Date) {
  if (!span) return;
  if (error !== undefined) failed(span, error);
  span.end(endTime);
}

/** Runs `fn` with `span` active (its parent for spans started inside); as is without one. */
export function withActiveSpan<T>(span: Span | undefined, fn: () => T): T {
  if (!span) return fn();
  return context.with(trace.setSpan(context.active(), span), fn);
}

/** The context of `span`, to parent another on (undefined without a span). */
export const contextWith = (span: Span | undefined) =>
  span ? trace.setSpan(ROOT_CONTEXT, span) : undefined;

/**
 * The active span's W3C traceparent, to carry in a job's data or a fleet message; undefined
 * while tracing is off or when no span is active.
 */
export function currentTraceparent(): string | undefined {
  if (!tracingOn()) return undefined;
  const sc = trace.getSpanContext(context.active());
  if (!sc || !trace.isSpanContextValid(sc)) return undefined;
  const flags = (sc.traceFlags & 0xff).toString(16).padStart(2, "0");
  return `00-${sc.traceId}-${sc.spanId}-${flags}`;
}

/**
 * The remote parent a traceparent names, or undefined when it is absent or malformed (from a
 * device or a queue: never trusted to be well formed) or tracing is off.
 */
export function contextOf(traceparent: unknown): Context | undefined {
  if (!tracingOn()) return undefined;
  const tp = traceparentOf(traceparent);
  if (!tp) return undefined;
  const [, traceId, spanId, flags] = tp.split("-") as [string, string, string, string];
  const traceFlags = Number.parseInt(flags, 16) & TraceFlags.SAMPLED;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags, isRemote: true });
}
