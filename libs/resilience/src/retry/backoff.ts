/**
 * Delay before retry n: exponential with full jitter and a cap ("Exponential Backoff And Jitter", AWS
 * architecture blog), so a fleet of callers that failed together does not come back together.
 * A provider's Retry-After replaces the computed delay: it knows when capacity returns, we only guess.
 */
export interface BackoffOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * @param retry 1 for the delay after the first failed attempt.
 * @param remainingMs time left before the deadline; the delay never reaches it.
 * @returns the delay in ms, or undefined when no retry fits before the deadline (a Retry-After that lands
 *   past it, or no time left at all): the caller gives up and reports when to come back.
 */
export function backoffDelay(
  retry: number,
  options: BackoffOptions,
  remainingMs: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined {
  if (!(remainingMs > 0)) return undefined;
  if (retryAfterMs !== undefined) return retryAfterMs < remainingMs ? retryAfterMs : undefined;
  const exponent = Math.min(Math.max(retry - 1, 0), 30);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent, remainingMs - 1);
  return Math.max(0, Math.floor(random() * ceiling));
}
