// The portal: Next.js behind server/platform/http/portal-server.ts. `npm run portal`
// serves the production build; `--dev` runs Next in development mode (npm run dev).
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    dev: { type: "boolean", default: false },
    port: { type: "string", short: "p", default: process.env.PORT ?? "3000" },
    hostname: { type: "string", short: "H", default: process.env.HOSTNAME ?? "127.0.0.1" },
  },
});

// Before Next and React load: they pick their development or production build from it.
Object.assign(process.env, { NODE_ENV: values.dev ? "development" : "production" });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`portal: --port must be a port number, not "${values.port}"`);
  process.exit(2);
}

try {
  const { env } = await import("../server/platform/env");
  const { startPortalServer } = await import("../server/platform/http/portal-server");
  const { startProcessMetrics } = await import("../server/platform/metrics/start");
  const { startTracing } = await import("../server/platform/tracing/start");
  // Before the portal: the routes Next loads count into this process's registry (and trace
  // into its tracer provider, when OTEL_EXPORTER_OTLP_*ENDPOINT is set).
  const metrics = await startProcessMetrics("portal");
  const tracing = await startTracing("portal");
  const server = await startPortalServer({
    dev: values.dev ?? false,
    hostname: values.hostname as string,
    port,
    dir: path.resolve(import.meta.dirname, ".."),
    trustedProxies: env.TRUSTED_PROXIES,
  });
  console.log(`portal: listening on http://${values.hostname}:${port}`);
  const stop = () => {
    void metrics?.close();
    server.close(() => {
      void (tracing?.shutdown() ?? Promise.resolve()).finally(() => process.exit(0));
    });
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} catch (error) {
  console.error(`portal: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
