// How long the session waits before a transport retry. Only runs when a request is retried, so the session
// loads it with a dynamic import; a leaf module (no imports), so bundlers need no shared chunk for it.

/** Retry-After as delta-seconds or an HTTP-date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * The server's Retry-After when readable, else "full jitter": a random delay in
 * [0, min(maxMs, baseMs * 2^attempt)). undefined when the server asks for longer than maxMs: the caller
 * returns the answer rather than retrying early, which would only add load to a rate-limited server.
 */
export function backoffMs(
  attempt: number,
  retryAfter: string | null | undefined,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
  now: () => number = Date.now,
): number | undefined {
  const after = retryAfterMs(retryAfter, now());
  return after === undefined
    ? Math.floor(random() * Math.min(maxMs, baseMs * 2 ** attempt))
    : after > maxMs
      ? undefined
      : after;
}

/** setTimeout as a promise that rejects with the signal's reason on abort (and then clears the timer). */
export const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const abort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", abort);
      resolve();
    }, ms);
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
  });
