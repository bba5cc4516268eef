// The fetch every service client uses (keystoneauth's Session, as a fetch wrapper): it points the request at
// the service's catalog URL, adds X-Auth-Token, retries once with a fresh token on 401, and retries
// idempotent methods on transient failures. openapi-fetch builds requests against PLACEHOLDER_BASE; the real
// base is known only after login and is resolved once per service and token.

import type { AccessInfo, AuthPlugin } from "./auth/types.js";
import { CloudpodsError } from "./errors.js";
import { discard, isConnectionError, type Transport } from "./transport.js";

/** The baseUrl service clients are created with; `.invalid` can never resolve, so nothing leaks to it. */
export const PLACEHOLDER_BASE = "http://cloudpods.invalid";

export interface RetryOptions {
  /** Extra attempts after the first. Default 2. */
  retries?: number | undefined;
  /** Methods retried on network errors and 429/502/503/504. Default GET and HEAD; POST is refused. */
  methods?: readonly string[] | undefined;
  /** Backoff: a random delay in [0, min(maxMs, baseMs * 2^attempt)) ("full jitter"). Default 200. */
  baseMs?: number | undefined;
  /** Cap for one delay, Retry-After included. Default 10 000. */
  maxMs?: number | undefined;
}

export interface SessionOptions {
  auth: AuthPlugin;
  transport: Transport;
  /** The base URL (no trailing slash) of a service for this token; called once per service and token. */
  resolve: (access: AccessInfo, serviceType: string) => string;
  /** `false` disables transport retries (the 401 retry stays). */
  retry?: RetryOptions | false | undefined;
  /** Injected for tests: [0, 1). */
  random?: (() => number) | undefined;
  /** Injected for tests; must reject when the signal aborts. */
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  /** Epoch ms, for Retry-After dates. */
  now?: (() => number) | undefined;
}

export type ServiceFetch = (req: Request) => Promise<Response>;

export interface Session {
  /** The fetch for one service's openapi-fetch client (created with baseUrl PLACEHOLDER_BASE). */
  fetchFor(serviceType: string): ServiceFetch;
  /** The resolved base URL of a service, for callers that build URLs themselves. */
  baseUrl(serviceType: string): Promise<string>;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);

export function createSession(o: SessionOptions): Session {
  const retry = o.retry === false ? { retries: 0 } : (o.retry ?? {});
  const retries = retry.retries ?? 2;
  const methods = new Set((retry.methods ?? ["GET", "HEAD"]).map((m) => m.toUpperCase()));
  if (methods.has("POST")) throw new CloudpodsError("retry.methods must not include POST", "InvalidConfig");
  const baseMs = retry.baseMs ?? 200;
  const maxMs = retry.maxMs ?? 10_000;
  const random = o.random ?? Math.random;
  const sleep = o.sleep ?? defaultSleep;
  const now = o.now ?? Date.now;
  const cache = new Map<string, { access: AccessInfo; base: string }>();
  const invalidated = new WeakSet<AccessInfo>();

  function base(access: AccessInfo, service: string): string {
    const hit = cache.get(service);
    if (hit && hit.access === access) return hit.base;
    const b = o.resolve(access, service);
    cache.set(service, { access, base: b });
    return b;
  }

  const rewrite = (url: string, b: string): string =>
    url.startsWith(PLACEHOLDER_BASE) ? b + url.slice(PLACEHOLDER_BASE.length) : url;

  async function send(req: Request, service: string): Promise<Response> {
    let access = await o.auth.getAccess();
    // Buffered before the first send so the 401 retry and transport retries replay the same bytes.
    const body = req.body === null ? null : new Uint8Array(await req.arrayBuffer());
    const method = req.method;
    const retryable = methods.has(method);
    let reauthenticated = false;
    for (let attempt = 0; ;) {
      const url = rewrite(req.url, base(access, service));
      req.headers.set("X-Auth-Token", access.token);
      let res: Response | undefined;
      try {
        res = await o.transport(req, { url, body });
      } catch (e) {
        // Timeouts are not retried: the caller's time budget is spent.
        if (!retryable || attempt >= retries || !isConnectionError(e)) throw e;
      }
      if (res?.status === 401 && !reauthenticated) {
        reauthenticated = true;
        await discard(res);
        // Requests failing together with the same token share one invalidation, hence one login.
        if (!invalidated.has(access)) {
          invalidated.add(access);
          o.auth.invalidate();
        }
        access = await o.auth.getAccess();
        continue;
      }
      if (res && !(retryable && attempt < retries && RETRY_STATUS.has(res.status))) return res;
      const delay = backoff(attempt, res);
      if (res) await discard(res);
      attempt++;
      await sleep(delay, req.signal);
    }
  }

  function backoff(attempt: number, res: Response | undefined): number {
    const after = res ? retryAfterMs(res.headers.get("retry-after"), now()) : undefined;
    if (after !== undefined) return Math.min(after, maxMs);
    return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** attempt));
  }

  return {
    fetchFor: (service) => (req) => send(req, service),
    baseUrl: async (service) => base(await o.auth.getAccess(), service),
  };
}

/** Retry-After as delta-seconds or an HTTP-date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const done = (): void => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    };
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
