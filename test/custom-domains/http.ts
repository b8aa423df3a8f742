// HTTP calls to the test API server with a chosen Host header (fetch cannot set Host).
import { request } from "node:http";

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function httpCall(
  base: string,
  path: string,
  options: { method?: string; host?: string; headers?: Record<string, string>; body?: unknown },
): Promise<HttpAnswer> {
  const url = new URL(path, base);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? "GET",
        headers: {
          ...(options.host ? { host: options.host } : {}),
          ...(body ? { "content-type": "application/json" } : {}),
          ...options.headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A tRPC query over HTTP (superjson input). */
export function trpcGet(base: string, path: string, input: unknown, host: string, cookie = "") {
  const query =
    input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return httpCall(base, `/api/trpc/${path}${query}`, {
    host,
    headers: cookie ? { cookie } : {},
  });
}
