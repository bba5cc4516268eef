// The last layer before the wire, web-standard only (fetch, AbortController, Request): User-Agent and
// X-Yunion-Lang, a per-request timeout, redirects turned into errors (mcclient never follows them, and a
// token must never follow a Location elsewhere), network failures typed, and the debug hook.

import { CloudpodsError, HttpError, TimeoutError, parseErrorBody } from "./errors.js";
import type * as DebugModule from "./debug.js";
import type { DebugSink } from "./debug.js";

/** Kept equal to package.json's version by a unit test. */
export const SDK_VERSION = "0.1.0";

/**
 * What the session hands down with a request so no second `Request` is built on the hot path: the final
 * URL (the placeholder base rewritten) and the buffered body bytes (kept for the 401 replay).
 */
export interface SendInit {
  url?: string | undefined;
  /** `undefined`: use `req.body`. */
  body?: Uint8Array<ArrayBuffer> | null | undefined;
  /** Overrides the transport's timeoutMs for this request. */
  timeoutMs?: number | undefined;
}

/** A `fetch` that also takes the session's overrides. Plain `(req) => fetch(req)` functions fit it. */
export type Transport = (req: Request, init?: SendInit) => Promise<Response>;
export type FetchFn = (req: Request) => Promise<Response>;

/**
 * Marks a transport that reads SendInit, maps its own network errors and enforces `timeoutMs` itself (the
 * Node transport). Any other function is treated as a plain fetch.
 */
export const NATIVE_TRANSPORT = Symbol.for("cloudpods-sdk.native-transport");

export function isNativeTransport(f: unknown): f is Transport {
  return typeof f === "function" && (f as unknown as Record<symbol, unknown>)[NATIVE_TRANSPORT] === true;
}

export interface TransportOptions {
  /** The base: a plain fetch or a native transport. Default: `globalThis.fetch`. */
  fetch?: FetchFn | Transport | undefined;
  /** Per request; 0 disables. Default 30 000. See createTransport for what it covers. */
  timeoutMs?: number | undefined;
  /** Default `cloudpods-sdk/<version>`. Browsers may drop it (it used to be a forbidden header). */
  userAgent?: string | undefined;
  /** Sent as X-Yunion-Lang: the language of Cloudpods error `details`, e.g. "en" or "zh-CN". */
  lang?: string | undefined;
  onDebug?: DebugSink | undefined;
  /** Strings the debug log must never show (the auth plugin's `secrets()`). */
  secrets?: (() => readonly string[]) | undefined;
}

let debugModule: Promise<typeof DebugModule> | undefined;

/**
 * Wraps a base fetch. `timeoutMs` bounds the whole exchange on a plain fetch (headers and body: the abort
 * signal stays armed until it fires, harmlessly after the body is read); a native transport applies it to
 * the wait for headers and to each gap while reading the body. Errors: TimeoutError; a 3xx (except 304) or
 * a browser's opaque redirect → HttpError with `location` (the body is discarded, nothing is followed);
 * a failure to connect or a broken connection → CloudpodsError code `ConnectionError` with the cause kept.
 * An abort by the caller's own signal rejects with the signal's reason, as fetch does.
 */
export function createTransport(options: TransportOptions = {}): Transport {
  const base = options.fetch ?? ((req: Request) => globalThis.fetch(req));
  const native = isNativeTransport(base);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const userAgent = options.userAgent ?? `cloudpods-sdk/${SDK_VERSION}`;
  const { lang, onDebug, secrets } = options;

  return async function send(req: Request, init?: SendInit): Promise<Response> {
    const headers = req.headers;
    headers.set("User-Agent", userAgent);
    if (lang) headers.set("X-Yunion-Lang", lang);
    const url = init?.url ?? req.url;
    const ms = init?.timeoutMs ?? timeoutMs;
    let body = init?.body;
    if (body === undefined && req.body !== null && (!native || !headers.has("content-length"))) {
      // Cloudpods keystone wants a real Content-Length (no chunked login), and bytes can be logged.
      body = new Uint8Array(await req.arrayBuffer());
    }
    // Loaded on first use: bundles that split chunks keep the redaction code out of the main one.
    const debug = onDebug && (await (debugModule ??= import("./debug.js")));
    if (debug) {
      const text = body ? new TextDecoder().decode(body) : undefined;
      onDebug!(await debug.curlCommand(req.method, url, headers, text, secrets?.() ?? []));
    }
    const res = native
      ? await base(req, { url, body, timeoutMs: ms })
      : await viaFetch(base as FetchFn, req, url, body, ms);
    if (debug) onDebug!(debug.responseLine(req.method, url, res));
    if ((res.status >= 300 && res.status < 400 && res.status !== 304) || res.type === "opaqueredirect") {
      throw await redirectError(res, req.method, url);
    }
    return res;
  };
}

async function viaFetch(
  base: FetchFn,
  req: Request,
  url: string,
  body: Uint8Array<ArrayBuffer> | null | undefined,
  timeoutMs: number,
): Promise<Response> {
  const user = req.signal;
  if (user.aborted) throw user.reason;
  const ctrl = new AbortController();
  // Both listener and timer live as long as the exchange: they cover the body, and die with the request.
  user.addEventListener("abort", () => ctrl.abort(user.reason), { once: true });
  const timer =
    timeoutMs > 0
      ? setTimeout(() => ctrl.abort(new TimeoutError(req.method, url, timeoutMs)), timeoutMs)
      : undefined;
  (timer as { unref?: () => void } | undefined)?.unref?.();
  const out = new Request(url, {
    method: req.method,
    headers: req.headers,
    body: body ?? null,
    signal: ctrl.signal,
    redirect: "manual",
  });
  try {
    return await base(out);
  } catch (e) {
    clearTimeout(timer);
    if (ctrl.signal.aborted) throw ctrl.signal.reason;
    if (CloudpodsError.isInstance(e)) throw e;
    throw connectionError(req.method, url, e);
  }
}

/** A failure below HTTP: refused, reset, DNS, TLS. */
export function connectionError(method: string, url: string, cause: unknown): CloudpodsError {
  const q = url.indexOf("?");
  const code =
    (cause as { cause?: { code?: unknown }; code?: unknown })?.cause?.code ??
    (cause as { code?: unknown })?.code;
  const why = typeof code === "string" ? ` (${code})` : "";
  return new CloudpodsError(
    `${method} ${q < 0 ? url : url.slice(0, q)} failed: connection error${why}`,
    "ConnectionError",
    {
      cause,
    },
  );
}

/** True for the errors the session may retry on idempotent methods. */
export function isConnectionError(e: unknown): boolean {
  return CloudpodsError.isInstance(e) && e.code === "ConnectionError";
}

async function redirectError(res: Response, method: string, url: string): Promise<HttpError> {
  const location = res.headers.get("location") ?? undefined;
  await discard(res);
  // Message: "GET <url> failed: 302 redirect"; the Location is a field only (it may carry a query).
  return new HttpError({
    status: res.status,
    method,
    url,
    class: "redirect",
    location,
    requestId: res.headers.get("x-request-id") ?? undefined,
  });
}

/**
 * Releases a response that will not be read: small bodies are drained (the connection stays reusable),
 * others cancelled. Never rejects.
 */
export async function discard(res: Response): Promise<void> {
  if (!res.body || res.bodyUsed) return;
  const length = Number(res.headers.get("content-length") ?? Infinity);
  try {
    if (length <= 65_536) await res.arrayBuffer();
    else await res.body.cancel();
  } catch {
    // the connection is already gone; nothing to release
  }
}

/** An HttpError from a response whose body openapi-fetch already read (as JSON or text). */
export function httpErrorFromResult(method: string, url: string, res: Response, body: unknown): HttpError {
  const text = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
  const e = parseErrorBody(text, res.headers.get("content-type"));
  return new HttpError({
    status: res.status,
    method,
    url,
    class: e.class,
    details: e.details,
    requestId: res.headers.get("x-request-id") ?? undefined,
  });
}
