import { defaultShouldDehydrateQuery, QueryClient } from "@tanstack/react-query";
import superjson from "superjson";

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, retry: shouldRetry, retryDelay },
      dehydrate: {
        serializeData: superjson.serialize,
        shouldDehydrateQuery: (q) => defaultShouldDehydrateQuery(q) || q.state.status === "pending",
      },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}

const statusOf = (error: unknown) =>
  (error as { data?: { httpStatus?: number } })?.data?.httpStatus;

/**
 * 4xx answers (bad input, not found, forbidden) do not get better by retrying, except 429:
 * the per-user budget and lanes (server/platform/http/user-budget.ts) refuse a burst (many
 * pages' queries at once, a polling overview), and the same call a moment later passes. An
 * unretried 429 would reach the page's error boundary.
 */
export function shouldRetry(count: number, error: unknown): boolean {
  const status = statusOf(error);
  if (status === 429) return count < 4;
  return count < 2 && !(typeof status === "number" && status >= 400 && status < 500);
}

/** 1 s, 2 s, 4 s … (at most 8 s), with jitter so a burst's retries do not come back together. */
export function retryDelay(count: number): number {
  return Math.min(8_000, 1_000 * 2 ** count) * (0.75 + Math.random() / 2);
}
