import type { z } from "zod";

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
}

export function defineJob<P extends z.ZodType>(def: JobDefinition<P>) {
  return def;
}
