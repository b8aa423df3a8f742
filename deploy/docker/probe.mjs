// Health probe of a Patronus container: GET one URL of its own process, exit 0 on a 2xx
// answer, 1 otherwise. The images' HEALTHCHECK and the Helm chart's exec probes run it.
// Why not a plain HTTP probe: the worker and the fleet process have no health endpoint but
// their /metrics, which asks for METRICS_TOKEN when one is set, and a Kubernetes httpGet
// probe cannot take a header from a Secret. The token is read from this container's
// environment and never printed.
const [url] = process.argv.slice(2);
const timeoutMs = Number(process.env.PROBE_TIMEOUT_MS) || 4000;

if (!url || !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(url)) {
  console.error("usage: node probe.mjs http://127.0.0.1:<port>/<path> (loopback only)");
  process.exit(2);
}

const token = process.env.METRICS_TOKEN;
const headers =
  token && new URL(url).pathname === "/metrics" ? { authorization: `Bearer ${token}` } : {};
try {
  const answer = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  await answer.body?.cancel();
  if (answer.ok) process.exit(0);
  console.error(`probe: ${url} answered ${answer.status}`);
} catch (error) {
  console.error(`probe: ${url}: ${error instanceof Error ? error.message : String(error)}`);
}
process.exit(1);
