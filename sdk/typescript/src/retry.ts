// The SDK's transport: retries with exponential backoff and jitter for 429 (waiting what
// Retry-After says), 503 and network failures, and an Idempotency-Key on every POST so a
// retried create is answered from the first attempt instead of creating twice.
//
// What is retried, and why it is safe:
// - 429: the API refused before doing anything; any method.
// - 503 and network failures: GET, HEAD, PUT, DELETE (idempotent by HTTP), and POST with an
//   Idempotency-Key (the API replays the first answer for 24 h). PATCH is not retried on
//   these: it may have been applied before the answer was lost.

export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 turns retrying off). */
  max?: number;
  /** First backoff, doubled on each retry, with jitter (default 250 ms). */
  baseDelayMs?: number;
  /** Longest backoff between two attempts (default 8 s). */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the 429 is thrown (default 60 s). */
  maxRetryAfterMs?: number;
}

type Fetch = (input: Request, init?: RequestInit) => Promise<Response>;

const SAFE = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), if it is valid. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function backoffMs(attempt: number, o: Required<RetryOptions>, random = Math.random()) {
  const full = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** attempt);
  return Math.round(full / 2 + (full / 2) * random);
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    const stop = () => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener("abort", stop, { once: true });
  });

/** The request with an Idempotency-Key when it is a POST without one (a caller's own is kept). */
export function withIdempotencyKey(request: Request, newKey: () => string): Request {
  if (request.method !== "POST" || request.headers.has("idempotency-key")) return request;
  const headers = new Headers(request.headers);
  headers.set("idempotency-key", newKey());
  return new Request(request, { headers });
}

export function retryingFetch(fetchImpl: Fetch, options: RetryOptions = {}): Fetch {
  const o: Required<RetryOptions> = {
    max: 3,
    baseDelayMs: 250,
    maxDelayMs: 8000,
    maxRetryAfterMs: 60_000,
    ...options,
  };
  return async (input, init) => {
    const request = withIdempotencyKey(input, () => crypto.randomUUID());
    const replayable = SAFE.has(request.method) || request.headers.has("idempotency-key");
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= o.max || request.signal.aborted;
      let response: Response;
      try {
        // Each attempt sends a copy: a body can be read once.
        response = await fetchImpl(request.clone(), init);
      } catch (error) {
        if (last || !replayable || !(error instanceof TypeError)) throw error;
        await sleep(backoffMs(attempt, o), request.signal);
        continue;
      }
      const retriable = response.status === 429 || (response.status === 503 && replayable);
      if (last || !retriable) return response;
      const asked = retryAfterMs(response.headers.get("retry-after"));
      if (asked !== undefined && asked > o.maxRetryAfterMs) return response;
      await response.body?.cancel();
      await sleep(asked ?? backoffMs(attempt, o), request.signal);
    }
  };
}
