// OTEL_EXPORTER_OTLP_HEADERS, as the OpenTelemetry specification writes it: comma-separated
// `key=value` pairs, values percent-encoded. Validated at start-up (env.ts); the values (a
// collector's token) are never logged.

const KEY = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const VALUE = /^[\x20-\x7e]{0,1024}$/;

/** The headers of `list`; throws naming the first bad pair (by position, not its value). */
export function parseOtlpHeaders(list: string): Record<string, string> {
  const out: Record<string, string> = {};
  const pairs = list
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  for (const [i, pair] of pairs.entries()) {
    const eq = pair.indexOf("=");
    const key = eq > 0 ? pair.slice(0, eq).trim() : "";
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      value = "\u0000";
    }
    if (!KEY.test(key) || !VALUE.test(value))
      throw new Error(
        `OTEL_EXPORTER_OTLP_HEADERS: pair ${i + 1} is not key=value (a header name, a printable value)`,
      );
    out[key.toLowerCase()] = value;
  }
  return out;
}
