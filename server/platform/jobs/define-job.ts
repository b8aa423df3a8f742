import { z } from "zod";
import { traceparentOf } from "../../../protocol/trace";

/**
 * A job is a definition (this) plus a handler in workers/handlers/. The payload schema is
 * checked when enqueued and again when the worker picks the job up, so a malformed job
 * fails once with a clear error instead of retrying forever.
 */
export interface JobDefinition<P extends z.ZodType> {
  /** Queue the job runs on; one BullMQ Worker per queue. */
  queue: string;
  name: string;
  version: number;
  payload: P;
  attempts: number;
  backoffMs: number;
  /** Deterministic id for deduplication, or undefined for "always a new job". */
  jobId?: (payload: z.infer<P>) => string | undefined;
  /** Jobs of its queue one worker runs at once (the highest of the queue's jobs; default 8). */
  concurrency?: number;
  /** Its completion is logged only when the handler returned something (a sweep with work). */
  quietWhenIdle?: boolean;
}

export function defineJob<P extends z.ZodType>(def: JobDefinition<P>) {
  return def;
}

/**
 * The field of a job's data that carries the W3C traceparent of its enqueue (tracing on).
 * It sits beside the payload, not in it: payload schemas are z.object, so parsing drops it,
 * and a job enqueued without it (tracing off, an older release) runs the same.
 */
export const JOB_TRACE_FIELD = "traceContext";

/** `data` with `traceparent` beside it (data as is without one). */
export function withJobTrace<T>(data: T, traceparent: string | undefined): T {
  if (!traceparent || typeof data !== "object" || data === null || Array.isArray(data)) return data;
  return { ...data, [JOB_TRACE_FIELD]: traceparent };
}

/** The traceparent a job's data carries, when well formed (else undefined). */
export function jobTraceOf(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  return traceparentOf((data as Record<string, unknown>)[JOB_TRACE_FIELD]);
}

export const SWEEPS_QUEUE = "sweeps";
const ZNoPayload = z.object({});

/**
 * A periodic sweep: a job on the `sweeps` queue that a BullMQ job scheduler enqueues every
 * `everyMs` (and once when the workers start). Any number of worker replicas upsert the same
 * scheduler, and BullMQ enqueues one job per period, so a sweep runs once per period in all.
 */
export interface ScheduleDefinition extends JobDefinition<typeof ZNoPayload> {
  everyMs: number;
}

export function defineSchedule(def: { name: string; everyMs: number }): ScheduleDefinition {
  return {
    ...def,
    queue: SWEEPS_QUEUE,
    version: 1,
    payload: ZNoPayload,
    attempts: 1,
    backoffMs: 0,
    quietWhenIdle: true,
  };
}
