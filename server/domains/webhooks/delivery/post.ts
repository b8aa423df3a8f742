// One HTTP attempt: POST to the checked address only (no DNS lookup of its own), never
// following a redirect, within a deadline that covers connecting, sending and answering,
// reading at most a few KiB of the answer.
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";

export interface PostResult {
  /** The receiver's status, or undefined when there was no answer. */
  status?: number;
  excerpt: string;
  /** Why it failed: no answer, a timeout, a redirect, a non-2xx status. */
  error?: string;
  durationMs: number;
}

const EXCERPT_BYTES = 1024;
/** Whatever the receiver says, this much is read at most (then the socket is closed). */
const READ_LIMIT_BYTES = 4096;

export function postPinned(
  url: URL,
  target: { address: string; family: 4 | 6 },
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  // Every name resolves to the address that was checked: no second lookup to rebind.
  const lookup: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        target,
      ]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<PostResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...r, durationMs: elapsed() });
    };
    const req = client.request(
      url,
      {
        method: "POST",
        lookup,
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body).toString(),
          "user-agent": "Patronus-Webhooks/1",
        },
        // No keep-alive pool: each attempt is on its own connection to the checked address.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString("utf8");
          const status = res.statusCode ?? 0;
          const error =
            status >= 300 && status < 400
              ? `redirect to ${String(res.headers.location ?? "?").slice(0, 200)} not followed`
              : status < 200 || status >= 300
                ? `answered ${status}`
                : undefined;
          finish({ status, excerpt, error });
        };
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= READ_LIMIT_BYTES) done();
        });
        res.on("end", done);
        res.on("error", (e) => finish({ status: res.statusCode, excerpt: "", error: e.message }));
      },
    );
    const timer = setTimeout(
      () => finish({ excerpt: "", error: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    req.on("error", (e) => finish({ excerpt: "", error: e.message }));
    req.end(body);
  });
}
