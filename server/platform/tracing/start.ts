// What a process's entry point calls: with an OTLP endpoint configured, spans go to it over
// OTLP/HTTP (JSON) in batches; without one (the default) nothing is loaded and every span
// helper runs its work directly. The SDK is imported only when tracing is on.
import { randomUUID } from "node:crypto";
import { context, trace } from "@opentelemetry/api";
import { env } from "../env";
import { log } from "../log/logger";
import { parseOtlpHeaders } from "./headers";
import { setTracingOn, tracingOn } from "./spans";

/** The processes that trace (their service.name, in the service.namespace "patronus"). */
export type TracingProcess = "portal" | "worker" | "fleet-broker" | "test";

export interface Tracing {
  /** The traces endpoint spans are sent to. */
  url: string;
  /** Sends every ended span now (tests: before reading the receiver). */
  flush(): Promise<void>;
  /** Flushes, stops exporting, and turns tracing off in this process. */
  shutdown(): Promise<void>;
}

/** The traces endpoint env names, or "" (off). */
export function tracesEndpoint(e: {
  OTEL_EXPORTER_OTLP_ENDPOINT: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: string;
}): string {
  if (e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!e.OTEL_EXPORTER_OTLP_ENDPOINT) return "";
  return `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`;
}

/**
 * Starts exporting this process's spans when an endpoint is configured (or given: tests);
 * returns undefined, having loaded nothing, when none is. Once per process.
 */
export async function startTracing(
  process: TracingProcess,
  o: { url?: string; headers?: Record<string, string>; sampleRatio?: number } = {},
): Promise<Tracing | undefined> {
  const url = o.url ?? tracesEndpoint(env);
  if (!url) return undefined;
  if (tracingOn()) throw new Error("tracing is already started in this process");
  const [
    { AsyncLocalStorageContextManager },
    { resourceFromAttributes },
    sdk,
    { OTLPTraceExporter },
  ] = await Promise.all([
    import("@opentelemetry/context-async-hooks"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/exporter-trace-otlp-http"),
  ]);
  const exporter = new OTLPTraceExporter({
    url,
    headers: o.headers ?? parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
  });
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({
      "service.namespace": "patronus",
      "service.name": process,
      "service.instance.id": randomUUID(),
    }),
    sampler: new sdk.ParentBasedSampler({
      root: new sdk.TraceIdRatioBasedSampler(o.sampleRatio ?? env.TRACES_SAMPLE_RATIO),
    }),
    // A large org's rollout ends in one apply and one ingest span per device: room for
    // a few thousand between exports (past it, spans are dropped, never waited for).
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter, maxQueueSize: 8192 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  setTracingOn(true);
  // The endpoint only: its headers may hold a collector's token.
  log.info("traces exported", { url: new URL(url).origin + new URL(url).pathname });
  return {
    url,
    flush: () => provider.forceFlush(),
    async shutdown() {
      setTracingOn(false);
      await provider.forceFlush();
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}
