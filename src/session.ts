// The fetch every service client uses (keystoneauth's Session, as a fetch wrapper): it points the request at
// the service's base URL, lets the auth plugin authorize every attempt (a token header, or a fresh signature),
// retries once with a fresh credential on 401 (or on a 403 that may mean a stale token, see
// STALE_TOKEN_AGE_MS), and retries idempotent methods on transient failures. openapi-fetch builds requests
// against PLACEHOLDER_BASE; the real base is known only after login and is resolved once per service and token.

import type { AccessInfo, AuthPlugin } from "./auth/types.js";
import { invalidConfig } from "./errors.js";
import { bodyBytes, signalOf } from "./request.js";
import { discard, isConnectionError, type Transport } from "./transport.js";

/** The baseUrl service clients are created with; `.invalid` can never resolve, so nothing leaks to it. */
export const PLACEHOLDER_BASE = "http://cloudpods.invalid";

/**
 * Cloudpods answers a revoked, expired or unknown token with the same 403 ForbiddenError as a real denial
 * (a failed token check makes the caller anonymous); only the login answers 401. A 403 on a token at least
 * this old is taken as "maybe stale": one shared re-login and one retry. A younger token's 403 is a real
 * denial, so a denial costs at most one extra login per token, never a loop or a login per call.
 */
export const STALE_TOKEN_AGE_MS = 60_000;

/** Answers worth another try of an idempotent request. */
const TRANSIENT = new Set([429, 502, 503, 504]);

export interface RetryOptions {
  /** Extra attempts after the first. Default 2. */
  retries?: number | undefined;
  /** Methods retried on network errors and 429/502/503/504. Default GET and HEAD; POST is refused. */
  methods?: readonly string[] | undefined;
  /** Backoff: a random delay in [0, min(maxMs, baseMs * 2^attempt)) ("full jitter"). Default 200. */
  baseMs?: number | undefined;
  /** Cap for one delay. A Retry-After above it is not waited for: the 429/503 is returned. Default 10 000. */
  maxMs?: number | undefined;
}

export interface SessionOptions<A = AccessInfo> {
  auth: AuthPlugin<A>;
  transport: Transport;
  /** The base URL (no trailing slash) of a service for this token; called once per service and token. */
  resolve: (access: A, serviceType: string) => string;
  /** `false` disables transport retries (the 401 retry stays). */
  retry?: RetryOptions | false | undefined;
  /** Injected for tests: [0, 1). */
  random?: (() => number) | undefined;
  /** Injected for tests; must reject when the signal aborts. */
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  /** Epoch ms, for Retry-After dates and the token age of the 403 rule. */
  now?: (() => number) | undefined;
}

export type ServiceFetch = (req: Request) => Promise<Response>;

export interface Session {
  /** The fetch for one service's openapi-fetch client (created with baseUrl PLACEHOLDER_BASE). */
  fetchFor(serviceType: string): ServiceFetch;
  /** The resolved base URL of a service, for callers that build URLs themselves. */
  baseUrl(serviceType: string): Promise<string>;
}

export function createSession<A = AccessInfo>(o: SessionOptions<A>): Session {
  const { auth } = o;
  const {
    retries = 2,
    methods = ["GET", "HEAD"],
    baseMs = 200,
    maxMs = 10_000,
  } = o.retry === false ? { retries: 0 } : (o.retry ?? {});
  const retryable = new Set(methods.map((m) => m.toUpperCase()));
  if (retryable.has("POST")) throw invalidConfig("retry.methods must not include POST");
  const cache = new Map<string, { access: A; base: string }>();
  const now = o.now ?? Date.now;
  // Credentials a re-login handed back unchanged (a plugin that cannot refresh): their 403s are final.
  const rechecked = new WeakSet<object>();

  /** A 401, or a 403 on a credential old enough to be stale (its age from the plugin), not re-checked yet. */
  function credentialSuspect(res: Response, access: A): boolean {
    if (res.status === 401) return true;
    const at = res.status === 403 ? auth.obtainedAt?.(access) : undefined;
    return at !== undefined && now() - at >= STALE_TOKEN_AGE_MS && !rechecked.has(access as object);
  }

  function base(access: A, service: string): string {
    const hit = cache.get(service);
    if (hit?.access === access) return hit.base;
    const b = o.resolve(access, service);
    cache.set(service, { access, base: b });
    return b;
  }

  async function send(req: Request, service: string): Promise<Response> {
    // Only a caller's own signal can abort (the light Request makes none otherwise): no race on the hot path.
    const signal = signalOf(req);
    let access = await untilAborted(auth.getAccess(), signal);
    // Buffered before the first send so the 401 retry and transport retries replay the same bytes.
    const body = await bodyBytes(req);
    const canRetry = retryable.has(req.method);
    let reauthenticated = false;
    for (let attempt = 0, sent = 0; ; sent++) {
      const b = base(access, service);
      const url = req.url.startsWith(PLACEHOLDER_BASE) ? b + req.url.slice(PLACEHOLDER_BASE.length) : req.url;
      await auth.authorize(req, { access, url, body, attempt: sent });
      let res: Response | undefined;
      try {
        res = await o.transport(req, { url, body });
      } catch (e) {
        // Timeouts are not retried: the caller's time budget is spent.
        if (!canRetry || attempt >= retries || !isConnectionError(e)) throw e;
      }
      // The plugin ignores a token it has already replaced: requests failing together share one login.
      if (res && !reauthenticated && credentialSuspect(res, access) && auth.invalidate(access) !== false) {
        reauthenticated = true;
        await discard(res);
        const failed = access;
        access = await untilAborted(auth.getAccess(), signal);
        if (access === failed && typeof access === "object" && access) rechecked.add(access);
        continue;
      }
      if (res && !(canRetry && attempt < retries && TRANSIENT.has(res.status))) return res;
      // Only a retry gets here: the backoff code is a lazy chunk in browser bundles.
      const { backoffMs, defaultSleep } = await import("./backoff.js");
      const delay = backoffMs(attempt, res?.headers.get("retry-after"), baseMs, maxMs, o.random, o.now);
      if (delay === undefined) return res!; // only a Retry-After, hence an answer, gives no delay
      if (res) await discard(res);
      attempt++;
      await (o.sleep ?? defaultSleep)(delay, req.signal);
    }
  }

  return {
    fetchFor: (service) => async (req) => {
      const res = await send(req, service);
      return auth.checkResponse ? auth.checkResponse(res, req) : res;
    },
    baseUrl: async (service) => base(await auth.getAccess(), service),
  };
}

/**
 * `p`, or the signal's reason as soon as it aborts: a caller must not wait for a login shared with others,
 * which goes on for them.
 */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([p, aborted]).finally(() => signal.removeEventListener("abort", onAbort));
}
