// Label values of the platform's metrics stay a bounded set of names from the code, and the
// metrics' settings are validated like every other.
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../../server/platform/env";
import { observeRolloutEnd } from "../../../server/platform/metrics/fleet";
import { observeProcedure, observeRoute } from "../../../server/platform/metrics/http";
import { boundedLabel, looksLikeId, statusLabel } from "../../../server/platform/metrics/labels";
import { initProcessMetrics, metricsRegistry } from "../../../server/platform/metrics/registry";
import { parseExposition, seriesOf } from "./exposition";

describe("metric labels", () => {
  it("keep names from the code and turn anything else into other", () => {
    expect(boundedLabel("sites.list")).toBe("sites.list");
    expect(boundedLabel("fleet.enroll")).toBe("fleet.enroll");
    expect(boundedLabel("")).toBe("other");
    expect(boundedLabel(undefined)).toBe("other");
    expect(boundedLabel("/api/v1/orgs/acme/sites")).toBe("other");
    expect(boundedLabel("x".repeat(81))).toBe("other");
    expect(boundedLabel("a b")).toBe("other");
    expect(boundedLabel("GET", new Set(["GET"]))).toBe("GET");
    expect(boundedLabel("BREW", new Set(["GET"]))).toBe("other");
  });

  it("never take a value that looks like a row id", () => {
    for (const id of [
      "cmabc123def456ghi789jkl01",
      "3f2b8c1e-9a4d-4f6e-8b2a-1c3d5e7f9a0b",
      "org_2kq9Zx81mPq0",
      "sites.cmabc123def456ghi789jkl01",
    ]) {
      expect(looksLikeId(id), id).toBe(true);
      expect(boundedLabel(id)).toBe("other");
    }
    for (const name of ["sites.list", "webhooks.deliver", "billing.sync-quantity", "trpc"])
      expect(looksLikeId(name), name).toBe(false);
  });

  it("give statuses as codes", () => {
    expect(statusLabel(200)).toBe("200");
    expect(statusLabel(404)).toBe("404");
    expect(statusLabel(999)).toBe("other");
  });
});

describe("metrics registry", () => {
  it("labels every series with the process and bounds procedure and route labels", async () => {
    initProcessMetrics("test");
    observeProcedure("sites.list", "query", "OK", 0.01);
    observeProcedure("sites.get", "query", "NOT_FOUND", 0.02);
    observeProcedure("3f2b8c1e-9a4d-4f6e-8b2a-1c3d5e7f9a0b", "query", "OK", 0.01);
    observeRoute("trpc", "POST", 200, 0.05);
    observeRoute("rest", "BREW", 418, 0.05);
    const all = parseExposition(await metricsRegistry().metrics());
    const name = "patronus_trpc_procedure_duration_seconds_count";
    expect(
      seriesOf(all, name, { procedure: "sites.list", code: "OK", process: "test" }),
    ).toHaveLength(1);
    expect(seriesOf(all, name, { procedure: "other" })).toHaveLength(1);
    expect(seriesOf(all, "patronus_trpc_procedure_errors_total")).toEqual([
      {
        name: "patronus_trpc_procedure_errors_total",
        labels: { procedure: "sites.get", code: "NOT_FOUND", process: "test" },
        value: 1,
      },
    ]);
    expect(
      seriesOf(all, "patronus_http_request_errors_total", { route: "rest", status: "418" }),
    ).toHaveLength(1);
    expect(
      seriesOf(all, "patronus_http_request_duration_seconds_count", {
        route: "rest",
        method: "other",
      }),
    ).toHaveLength(1);
    observeRolloutEnd("halted", {
      startedAt: new Date("2026-01-01T00:00:00Z"),
      finishedAt: new Date("2026-01-01T00:01:30Z"),
    });
    const after = parseExposition(await metricsRegistry().metrics());
    expect(
      seriesOf(after, "patronus_fleet_rollout_duration_seconds_sum", { result: "halted" }),
    ).toMatchObject([{ value: 90 }]);
    // Default process metrics, prefixed.
    expect(seriesOf(all, "patronus_process_cpu_user_seconds_total")).toHaveLength(1);
    for (const s of all)
      for (const v of Object.values(s.labels)) expect(looksLikeId(v), v).toBe(false);
  });
});

describe("metrics settings", () => {
  const base = { NODE_ENV: "test" };
  it("default to no endpoint on loopback", () => {
    const env = parseEnv(base);
    expect(env.METRICS_HOST).toBe("127.0.0.1");
    expect([env.METRICS_PORT_PORTAL, env.METRICS_PORT_WORKER, env.METRICS_PORT_FLEET]).toEqual([
      0, 0, 0,
    ]);
    expect(env.METRICS_TOKEN).toBe("");
  });

  it("refuse bad values with a clear error", () => {
    expect(() => parseEnv({ ...base, METRICS_PORT_WORKER: "70000" })).toThrow(
      /METRICS_PORT_WORKER: METRICS_PORT_WORKER must be a port number/,
    );
    expect(() => parseEnv({ ...base, METRICS_PORT_PORTAL: "http" })).toThrow(/METRICS_PORT_PORTAL/);
    expect(() => parseEnv({ ...base, METRICS_HOST: "metrics.example" })).toThrow(
      /METRICS_HOST must be an IP address/,
    );
    expect(() => parseEnv({ ...base, METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN must be 16/);
  });

  it("want a token for an endpoint off loopback in production", () => {
    const prod = {
      NODE_ENV: "production",
      AUTH_SECRET: "a".repeat(40),
      FLEET_MASTER_KEY: "1".repeat(64),
      WEBHOOK_SECRET_KEY: "2".repeat(64),
      METRICS_HOST: "0.0.0.0",
      METRICS_PORT_WORKER: "9464",
    };
    expect(() => parseEnv(prod)).toThrow(
      /METRICS_TOKEN: required when METRICS_HOST is not loopback/,
    );
    expect(parseEnv({ ...prod, METRICS_TOKEN: "t".repeat(32) }).METRICS_PORT_WORKER).toBe(9464);
  });
});
