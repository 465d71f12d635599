// Exponential back-off with jitter, shared by step retries, the retry strategy and planners.

/**
 * The delay before retry number `n` (from 1): `baseMs * 2^(n-1)`, capped at `maxMs`, then a
 * random point in its upper half, so callers that failed together do not retry together.
 */
export function backoffDelay(baseMs: number, n: number, maxMs = Infinity): number {
  const base = Math.min(maxMs, baseMs * 2 ** (n - 1));
  return Math.round(base / 2 + Math.random() * (base / 2));
}
