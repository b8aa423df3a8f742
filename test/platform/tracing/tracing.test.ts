// Tracing's switches and boundaries: off by default (nothing loaded, work runs as is), the
// environment validated, and a device's trace fields checked strictly without costing the
// message they ride on.
import { type ProxyTracerProvider, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import {
  decode,
  MAX_APPLY_TRACE_MS,
  ZApplyTrace,
  ZDesiredState,
  ZReportedState,
  ZTraceparent,
} from "../../../protocol";
import { parseEnv } from "../../../server/platform/env";
import {
  JOB_TRACE_FIELD,
  jobTraceOf,
  withJobTrace,
} from "../../../server/platform/jobs/define-job";
import { parseOtlpHeaders } from "../../../server/platform/tracing/headers";
import {
  contextOf,
  currentTraceparent,
  inSpan,
  openSpan,
  tracingOn,
} from "../../../server/platform/tracing/spans";
import { startTracing, tracesEndpoint } from "../../../server/platform/tracing/start";

const TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const at = (ms = 0) => new Date(Date.now() + ms).toISOString();

describe("tracing off (the default)", () => {
  it("starts nothing without an endpoint, and spans are the work alone", async () => {
    expect(
      tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "" }),
    ).toBe("");
    expect(await startTracing("test")).toBeUndefined();
    expect(tracingOn()).toBe(false);
    // No SDK provider, so no exporter: the API's no-op stands.
    const provider = trace.getTracerProvider() as ProxyTracerProvider;
    expect(provider.getDelegate().constructor.name).toBe("NoopTracerProvider");
    const seen = await inSpan("x", {}, async (span) => ({ span, tp: currentTraceparent() }));
    expect(seen).toEqual({ span: undefined, tp: undefined });
    expect(openSpan("y", {})).toBeUndefined();
    expect(contextOf(TP)).toBeUndefined();
    // A job enqueued now carries nothing beside its payload.
    expect(withJobTrace({ orgId: "o" }, currentTraceparent())).toEqual({ orgId: "o" });
  });
});

describe("configuration", () => {
  const base = { NODE_ENV: "test" };
  it("takes an OTLP endpoint, a traces endpoint over it, and headers", () => {
    expect(
      tracesEndpoint(parseEnv({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" })),
    ).toBe("http://collector:4318/v1/traces");
    expect(
      tracesEndpoint(
        parseEnv({
          ...base,
          OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example/otlp",
        }),
      ),
    ).toBe("https://traces.example/otlp");
    expect(parseOtlpHeaders("authorization=Bearer%20abc, x-tenant = ops")).toEqual({
      authorization: "Bearer abc",
      "x-tenant": "ops",
    });
  });

  it("refuses what is not an http(s) URL, a header list or a ratio, naming the variable", () => {
    expect(() => parseEnv({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: "grpc://c:4317" })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
    expect(() => parseEnv({ ...base, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "nope" })).toThrow(
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/,
    );
    // The message names the pair, never the value (it may be a token).
    expect(() => parseEnv({ ...base, OTEL_EXPORTER_OTLP_HEADERS: "secret-token-only" })).toThrow(
      /OTEL_EXPORTER_OTLP_HEADERS: pair 1/,
    );
    expect(() => parseEnv({ ...base, OTEL_EXPORTER_OTLP_HEADERS: "a=b\u0001" })).toThrow();
    expect(() => parseEnv({ ...base, TRACES_SAMPLE_RATIO: "1.5" })).toThrow(/TRACES_SAMPLE_RATIO/);
  });
});

describe("trace context from devices and queues", () => {
  it("accepts only W3C traceparents", () => {
    expect(ZTraceparent.safeParse(TP).success).toBe(true);
    for (const bad of [
      TP.toUpperCase(),
      `${TP}\n`,
      `01-${TP.slice(3)}`,
      "00-00000000000000000000000000000000-b7ad6b7169203331-01",
      "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
      "x".repeat(10_000),
    ])
      expect(ZTraceparent.safeParse(bad).success, bad.slice(0, 60)).toBe(false);
  });

  it("bounds a reported apply's times", () => {
    const ok = { traceparent: TP, startedAt: at(-1000), endedAt: at() };
    expect(ZApplyTrace.safeParse(ok).success).toBe(true);
    expect(ZApplyTrace.safeParse({ ...ok, startedAt: at(1000) }).success).toBe(false);
    expect(
      ZApplyTrace.safeParse({ ...ok, startedAt: at(-MAX_APPLY_TRACE_MS - 1000) }).success,
    ).toBe(false);
    expect(ZApplyTrace.safeParse({ ...ok, endedAt: "1970-01-01T00:00:00Z" }).success).toBe(false);
  });

  it("drops a malformed trace from a report and keeps the report", () => {
    const report = {
      v: 1,
      revision: 3,
      hash: null,
      status: "applied",
      error: null,
      appliedAt: at(),
    };
    for (const trace of [
      { traceparent: "nope", startedAt: at(), endedAt: at() },
      { traceparent: TP, startedAt: at(1000), endedAt: at() },
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      42,
    ]) {
      const r = decode(ZReportedState, JSON.stringify({ ...report, trace }));
      expect(r).toMatchObject({ revision: 3, status: "applied" });
      expect(r.trace).toBeUndefined();
    }
  });

  it("drops a malformed traceparent from a desired state and keeps the state", () => {
    const state = {
      v: 1,
      deviceId: "dev1",
      revision: 1,
      hash: "a".repeat(64),
      issuedAt: at(),
      config: {
        site: { id: "s", name: "S" },
        interfaces: { wan: "eth0", lan: "eth1", wanIngress: "native" },
        defaultAction: "allow",
        rules: [],
        portForwards: [],
        services: [],
      },
    };
    expect(decode(ZDesiredState, JSON.stringify({ ...state, trace: TP })).trace).toBe(TP);
    expect(decode(ZDesiredState, JSON.stringify({ ...state, trace: "bad" })).trace).toBeUndefined();
  });

  it("carries a job's traceparent beside its payload, which parses as before", () => {
    const data = withJobTrace({ orgId: "o", revision: 2 }, TP);
    expect(data).toEqual({ orgId: "o", revision: 2, [JOB_TRACE_FIELD]: TP });
    expect(jobTraceOf(data)).toBe(TP);
    expect(jobTraceOf({ orgId: "o", [JOB_TRACE_FIELD]: "forged\nvalue" })).toBeUndefined();
    expect(jobTraceOf(null)).toBeUndefined();
  });
});
