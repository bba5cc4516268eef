// The last layer before the wire, web-standard only (fetch, AbortController, Request): User-Agent and
// X-Yunion-Lang, a per-request timeout, redirects turned into errors (mcclient never follows them, and a
// token must never follow a Location elsewhere), network failures typed, and the debug hook.

import { CloudpodsError, HttpError, TimeoutError, responseInit, stripQuery } from "./errors.js";
import { errorResponse } from "./errorbody.js";
import type * as DebugModule from "./debug.js";
import { signalOf } from "./request.js";
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
  /** A longer body fails with HttpError class `ResponseTooLarge`; 0 = no limit. */
  maxResponseBytes?: number | undefined;
}

/** A `fetch` that also takes the session's overrides. Plain `(req) => fetch(req)` functions fit it. */
export type Transport = (req: Request, init?: SendInit) => Promise<Response>;
export type FetchFn = (req: Request) => Promise<Response>;

/**
 * Marks a transport that reads SendInit, maps its own network errors and enforces `timeoutMs` itself (the
 * Node transport). Any other function is treated as a plain fetch.
 */
export const NATIVE_TRANSPORT = Symbol.for("cloudpods-sdk.native-transport");

export interface TransportOptions {
  /** The base: a plain fetch or a native transport. Default: `globalThis.fetch`. */
  fetch?: FetchFn | Transport | undefined;
  /** Per request; 0 disables. Default 30 000. See createTransport for what it covers. */
  timeoutMs?: number | undefined;
  /** Default `cloudpods-sdk/<version>`. Browsers may drop it (it used to be a forbidden header). */
  userAgent?: string | undefined;
  /**
   * A body longer than this fails with HttpError class `ResponseTooLarge`. Default 64 MiB; 0 disables. Over a
   * plain fetch only a Content-Length is checked; the Node transport also counts a streamed body.
   */
  maxResponseBytes?: number | undefined;
  /** Sent as X-Yunion-Lang: the language of Cloudpods error `details`, e.g. "en" or "zh-CN". */
  lang?: string | undefined;
  onDebug?: DebugSink | undefined;
  /** Strings the debug log must never show (the auth plugin's `secrets()`). */
  secrets?: (() => readonly string[]) | undefined;
}

let debugModule: Promise<typeof DebugModule> | undefined;

/** The platform's fetch, called late so a polyfill or test stub installed after import is honoured. */
export const PLATFORM_FETCH: FetchFn = (req) => globalThis.fetch(req);

const READERS = ["json", "text", "arrayBuffer", "blob", "formData", "bytes"] as const;

/** Runs `after` once the body has been read (or failed to), whichever reader the caller uses. */
function afterBody(res: Response, after: () => void): void {
  const r = res as unknown as Record<string, () => Promise<unknown>>;
  for (const name of READERS) {
    const read = r[name];
    if (read) r[name] = () => read.call(res).finally(after);
  }
}

/**
 * openapi-fetch parses a 2xx body with `response.json()` (with Content-Length) or `JSON.parse` of its text
 * (without); a JSON-typed body that is not JSON (a truncated answer) becomes an HttpError with the status and
 * request id instead of a bare SyntaxError quoting the body. A failure while the body is read keeps its own
 * type: the TimeoutError, the caller's abort reason, a ConnectionError. Other content types are refused
 * before openapi-fetch sees them.
 */
function typedJson(res: Response, method: string, url: string, signal: AbortSignal | undefined): void {
  const fail = (cause: unknown): never => {
    if (CloudpodsError.isInstance(cause)) throw cause;
    if (signal?.aborted) throw signal.reason;
    // The SyntaxError quotes the body: it is not kept as the cause.
    if (cause instanceof SyntaxError) invalidResponse(res, method, url);
    throw connectionError(method, url, cause);
  };
  const json = res.json;
  res.json = () => json.call(res).catch(fail);
  if (res.headers.has("content-length")) return;
  // Without a length openapi-fetch parses text() itself; the check parses once more, on such bodies only.
  const text = res.text;
  res.text = () =>
    text.call(res).then((t) => {
      if (t !== "") {
        try {
          JSON.parse(t);
        } catch (e) {
          fail(e);
        }
      }
      return t;
    }, fail);
}

/** The error for a 2xx body that is not JSON; it never quotes the body (a portal page may echo input). */
function invalidResponse(res: Response, method: string, url: string): never {
  throw new HttpError({
    ...responseInit(res),
    method,
    url,
    class: "InvalidResponse",
    details: "the response body is not JSON",
  });
}

/**
 * Wraps a base fetch. `timeoutMs` bounds the whole exchange, body included: over a plain fetch the abort
 * signal's timer is disarmed once the body has been read; a native transport enforces it itself. Errors: TimeoutError; a 3xx (except 304) or
 * a browser's opaque redirect → HttpError with `location` (the body is discarded, nothing is followed);
 * a failure to connect or a broken connection → CloudpodsError code `ConnectionError` with the cause kept;
 * a 2xx body typed as something other than JSON (a captive portal, a proxy page) → HttpError class
 * `InvalidResponse`, the body discarded. A status ≥ 400 is returned with its body as the flat Cloudpods
 * error (see errorbody.ts). An abort by the caller's own signal rejects with the signal's reason.
 */
export function createTransport({
  fetch: base = PLATFORM_FETCH,
  timeoutMs = 30_000,
  userAgent = `cloudpods-sdk/${SDK_VERSION}`,
  lang,
  onDebug,
  secrets,
  maxResponseBytes = 64 * 2 ** 20,
}: TransportOptions = {}): Transport {
  const native = (base as unknown as Record<symbol, unknown>)[NATIVE_TRANSPORT] === true;
  const direct = base === PLATFORM_FETCH || base === globalThis.fetch;

  return async (req, { url = req.url, body, timeoutMs: ms = timeoutMs } = {}) => {
    const { method, headers } = req;
    const signal = signalOf(req);
    headers.set("User-Agent", userAgent);
    if (lang && !headers.has("X-Yunion-Lang")) headers.set("X-Yunion-Lang", lang); // cp.with({ lang }) wins
    if (body === undefined && req.body && !(native && headers.has("content-length"))) {
      // Cloudpods keystone wants a real Content-Length (no chunked login), and bytes can be logged.
      body = new Uint8Array(await req.arrayBuffer());
    }
    // Loaded on first use: bundles that split chunks keep the redaction code out of the main one.
    const debug = onDebug && (await (debugModule ??= import("./debug.js")));
    if (debug) onDebug!(await debug.curlCommand(method, url, headers, body, secrets?.()));
    let res: Response;
    // Ends the plain-fetch timer and abort listener; discard() may cancel a body rather than read it.
    let done: (() => void) | undefined;
    if (native) res = await base(req, { url, body, timeoutMs: ms, maxResponseBytes });
    else {
      if (signal?.aborted) throw signal.reason;
      const ctrl = new AbortController();
      const onAbort = () => ctrl.abort(signal!.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      const init = { method, headers, body: body ?? null, signal: ctrl.signal, redirect: "manual" as const };
      // The platform fetch takes (url, init): no second Request object on the hot path.
      const request = direct ? undefined : new Request(url, init);
      const timer =
        ms > 0
          ? setTimeout(() => {
              // Referencing `request` keeps it alive while armed: Node's Request follows ctrl.signal only
              // weakly, so an unreachable Request would stop passing the abort on to the fetch.
              void request;
              ctrl.abort(new TimeoutError(method, url, ms));
            }, ms)
          : undefined;
      // An unread body (a stream left alone, a discarded answer) must not hold a Node process open.
      (timer as { unref?: () => void } | undefined)?.unref?.();
      // Without this a long-lived caller signal collects one listener per request, and every timer keeps
      // its request alive for timeoutMs.
      done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      try {
        res = await (request ? (base as FetchFn)(request) : globalThis.fetch(url, init));
      } catch (e) {
        done();
        throw ctrl.signal.aborted
          ? ctrl.signal.reason
          : CloudpodsError.isInstance(e)
            ? e
            : connectionError(method, url, e);
      }
      // The timeout covers the body too: it is disarmed once a reader has consumed it.
      // openapi-fetch never reads a body announced as empty.
      if (res.body && res.headers.get("content-length") !== "0") afterBody(res, done);
      else done();
    }
    if (debug) onDebug!(debug.responseLine(method, url, res));
    const { status } = res;
    if (maxResponseBytes > 0 && Number(res.headers.get("content-length")) > maxResponseBytes) {
      await res.body?.cancel().catch(() => {});
      done?.();
      throw new HttpError({
        ...responseInit(res),
        method,
        url,
        class: "ResponseTooLarge",
        details: `the response body is over maxResponseBytes (${maxResponseBytes})`,
      });
    }
    if ((status > 299 && status < 400 && status !== 304) || res.type === "opaqueredirect") {
      await discard(res);
      done?.();
      // Message: "GET <url> failed: 302 redirect"; the Location is a field only (it may carry a query).
      throw new HttpError({
        ...responseInit(res),
        method,
        url,
        class: "redirect",
        location: safeLocation(res.headers.get("location")),
      });
    }
    if (status > 399) return errorResponse(res, secrets?.());
    if (status > 199 && status < 300) {
      const type = res.headers.get("content-type");
      // A caller that asked for bytes (`Accept: application/octet-stream`: an image download) gets them.
      const bytes = /octet-stream/i.test(headers.get("accept") ?? "");
      if (type && !/json/i.test(type) && !bytes && res.body && res.headers.get("content-length") !== "0") {
        await discard(res);
        done?.();
        invalidResponse(res, method, url);
      }
      if (!type || /json/i.test(type)) typedJson(res, method, url, signal);
    }
    return res;
  };
}

/** A Location without userinfo, query or fragment: a redirect may carry a token or a one-time code there. */
function safeLocation(location: string | null): string | undefined {
  return location?.replace(/[?#].*$/s, "").replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

/** A failure below HTTP: refused, reset, DNS, TLS. The system error code, if any, is named. */
export function connectionError(method: string, url: string, cause: unknown): CloudpodsError {
  const c = cause as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = c?.cause?.code ?? c?.code;
  const why = typeof code === "string" ? ` (${code})` : "";
  return new CloudpodsError(
    `${method} ${stripQuery(url)} failed: connection error${why}`,
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

/**
 * Releases a response that will not be read: small bodies are drained (the connection stays reusable),
 * others cancelled. Never rejects.
 */
export async function discard(res: Response): Promise<void> {
  try {
    if (res.body && !res.bodyUsed)
      await (Number(res.headers.get("content-length") ?? Infinity) <= 65_536
        ? res.arrayBuffer()
        : res.body.cancel());
  } catch {
    // the connection is already gone; nothing to release
  }
}
