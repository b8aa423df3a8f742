// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
// Jitter"): a delay drawn uniformly from [0, min(cap, base * 2^attempt)], so a fleet
// that lost its broker at the same instant does not come back in lockstep.
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

export function backoffDelay(
  attempt: number,
  o: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(o.capMs, o.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
