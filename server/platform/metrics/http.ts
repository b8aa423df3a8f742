// Request metrics of the portal: every route of the route helper (defineRoute: tRPC, REST,
// auth, enrollment…) by its spec name, and every tRPC procedure (from the portal, the REST
// API and server components alike) by its path in the router.
import { boundedLabel, statusLabel } from "./labels";
import { counter, DURATION_BUCKETS, histogram } from "./registry";

const routeDuration = () =>
  histogram({
    name: "patronus_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by route (the route helper's name), method and status",
    labelNames: ["route", "method", "status"] as const,
    buckets: DURATION_BUCKETS,
  });
const routeErrors = () =>
  counter({
    name: "patronus_http_request_errors_total",
    help: "HTTP requests answered with a status of 400 or more, by route and status",
    labelNames: ["route", "status"] as const,
  });

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Records one answered request of the route named `route` (a RouteSpec name). */
export function observeRoute(route: string, method: string, status: number, seconds: number) {
  const labels = { route: boundedLabel(route), status: statusLabel(status) };
  routeDuration().observe({ ...labels, method: boundedLabel(method, METHODS) }, seconds);
  if (status >= 400) routeErrors().inc(labels);
}

const procedureDuration = () =>
  histogram({
    name: "patronus_trpc_procedure_duration_seconds",
    help: "Time a tRPC procedure took, by procedure (its router path), type and result code",
    labelNames: ["procedure", "type", "code"] as const,
    buckets: DURATION_BUCKETS,
  });
const procedureErrors = () =>
  counter({
    name: "patronus_trpc_procedure_errors_total",
    help: "tRPC procedure calls that failed, by procedure and tRPC error code",
    labelNames: ["procedure", "code"] as const,
  });

const TYPES = new Set(["query", "mutation", "subscription"]);

/**
 * Records one procedure call. `procedure` is the path tRPC resolved in the router (a call
 * to an unknown path never reaches a procedure); `code` is "OK" or the tRPC error code.
 */
export function observeProcedure(procedure: string, type: string, code: string, seconds: number) {
  const labels = { procedure: boundedLabel(procedure), code: boundedLabel(code) };
  procedureDuration().observe({ ...labels, type: boundedLabel(type, TYPES) }, seconds);
  if (code !== "OK") procedureErrors().inc(labels);
}
