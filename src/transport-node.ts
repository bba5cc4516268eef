// The Node transport: `undici.request` on a keep-alive Agent, behind a fetch-shaped function. undici's own
// fetch costs about as much per call as Node's global fetch; `request` skips the WHATWG machinery, so we
// convert a Request to its options by hand (headers passed as the iterable they are, body bytes as given)
// and build the Response from undici's body stream. Node only: client.ts loads this file lazily.

/**
 * The Node transport (undici), for bundled Node apps that pass it explicitly: `fetch: createNodeTransport()`.
 * @module cloudpods-sdk/node
 */

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Agent as AgentType, Dispatcher } from "undici";
import { CloudpodsError, HttpError, TimeoutError, invalidConfig } from "./errors.js";
import { signalOf } from "./request.js";
import { BufferedResponse } from "./response.js";
import { NATIVE_TRANSPORT, connectionError, type SendInit, type Transport } from "./transport.js";

export interface NodeTransportOptions {
  /** PEM CA bundle(s) to trust, in place of Node's default roots. */
  ca?: string | readonly string[] | undefined;
  /** Path of a PEM bundle (YUNION_CERT_FILE), read once here. */
  caFile?: string | undefined;
  /** Skip TLS verification (YUNION_INSECURE). Logs one warning per process. */
  insecure?: boolean | undefined;
  /** Sockets per origin. Default 64. */
  connections?: number | undefined;
  /** Idle keep-alive sockets close after this. Default 30 000 ms. */
  keepAliveTimeoutMs?: number | undefined;
  /** Used when the caller gives no per-request timeout (SendInit.timeoutMs). Default 30 000; 0 = none. */
  timeoutMs?: number | undefined;
  /** Where the insecure warning goes. Default `process.emitWarning`. */
  warn?: ((message: string) => void) | undefined;
  /** Use this dispatcher instead of creating an Agent (ca/insecure/connections are then ignored). */
  dispatcher?: Dispatcher | undefined;
}

export interface NodeTransport extends Transport {
  /** Closes idle sockets and refuses new requests. */
  close(): Promise<void>;
}

// Only the two undici modules used here, not its index (every client, mock, cache and fetch: ≈ 110 modules,
// 3-4x the import time). undici is pinned to an exact version, so these paths cannot move under us.
const require = createRequire(import.meta.url);
const Agent = require("undici/lib/dispatcher/agent.js") as typeof AgentType;
const request = require("undici/lib/api/api-request.js") as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

let insecureWarned = false;

/** Statuses whose responses have no body by definition; `new Response` refuses one. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

const MAX_BUFFERED = 1 << 20;

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

export function createNodeTransport(options: NodeTransportOptions = {}): NodeTransport {
  const ca = options.caFile
    ? [...toArray(options.ca), readCaFile(options.caFile)]
    : options.ca && toArray(options.ca);
  if (options.insecure && !insecureWarned) {
    insecureWarned = true;
    const warn = options.warn ?? ((m: string) => process.emitWarning(m, { code: "CLOUDPODS_INSECURE_TLS" }));
    warn("cloudpods-sdk: TLS certificate verification is disabled (insecure: true / YUNION_INSECURE)");
  }
  const dispatcher =
    options.dispatcher ??
    new Agent({
      connections: options.connections ?? 64,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      connect: {
        ...(ca ? { ca: [...ca] } : {}),
        ...(options.insecure ? { rejectUnauthorized: false } : {}),
      },
    });
  const defaultTimeout = options.timeoutMs ?? 30_000;
  // Bodies handed out and not yet consumed: close() destroys them, so it never waits for a body nobody reads.
  const live = new Set<(destroy?: boolean) => void>();

  const send = async (req: Request, init?: SendInit): Promise<Response> => {
    const url = init?.url ?? req.url;
    const method = req.method;
    const timeoutMs = init?.timeoutMs ?? defaultTimeout;
    const max = init?.maxResponseBytes ?? 0;
    // Origin and path by string search: a URL parse per request costs more than the rest of this layer.
    const slash = url.indexOf("/", url.indexOf("//") + 2);
    const hash = url.indexOf("#");
    const path = slash < 0 ? "/" : hash < 0 ? url.slice(slash) : url.slice(slash, hash);
    let data: Dispatcher.ResponseData;
    const start = timeoutMs > 0 ? Date.now() : 0;
    try {
      const opts: Dispatcher.RequestOptions = {
        origin: slash < 0 ? url : url.slice(0, slash),
        path,
        method: method as Dispatcher.HttpMethod,
        headers: req.headers as unknown as Iterable<[string, string]>,
        // A web ReadableStream is async-iterable, which undici streams.
        body: (init?.body !== undefined ? init.body : req.body) as Exclude<
          Dispatcher.DispatchOptions["body"],
          undefined
        >,
        // Only a signal the caller gave: undici's listener on it costs per request.
        signal: signalOf(req),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      };
      // A caller's dispatcher may be any object with a request() (a mock); ours gets undici's request API.
      data = await (options.dispatcher ? options.dispatcher.request(opts) : request.call(dispatcher, opts));
    } catch (e) {
      throw mapError(e, req, url, timeoutMs);
    }
    const status = data.statusCode;
    const headers = responseHeaders(data.headers);
    if (method === "HEAD" || NULL_BODY.has(status)) {
      data.body.dump().catch(() => {});
      return withUrl(new Response(null, { status, headers }), url);
    }
    // A small body of known length is read whole and answered as a BufferedResponse (no web stream at all).
    // Larger or chunked bodies stream (Response accepts an async iterable in Node).
    // Whole-exchange bound: undici's timeouts only bound each gap, so the body gets what is left of
    // timeoutMs after the headers; one timer (cheaper than a signal), unref'd so an unread body does not hold
    // the process open. A body nobody reads has no 'error' listener: the no-op one keeps the timer's
    // destroy(err) (or a late reset) from becoming an uncaught exception long after the caller has its answer.
    const body0 = data.body;
    body0.on("error", ignore);
    const timer =
      timeoutMs > 0
        ? setTimeout(
            () => {
              live.delete(release);
              body0.destroy(new TimeoutError(method, url, timeoutMs));
            },
            Math.max(0, timeoutMs - (Date.now() - start)),
          ).unref()
        : undefined;
    // Ends the body's bookkeeping; with `destroy`, also the body itself (discarded, or the transport closed).
    const release = (destroy?: boolean): void => {
      clearTimeout(timer);
      live.delete(release);
      if (destroy) body0.destroy();
    };
    live.add(release);
    const length = Number(data.headers["content-length"]);
    if (max > 0 && length > max) {
      release(true);
      throw tooLarge(status, method, url, max);
    }
    if (length <= MAX_BUFFERED) {
      let bytes: ArrayBuffer;
      try {
        bytes = await data.body.arrayBuffer();
      } catch (e) {
        throw mapError(e, req, url, timeoutMs);
      } finally {
        release();
      }
      // undici hands a socket back to its pool one event-loop turn after the answer (pipelining 1), so a
      // request sent at once opens a second connection: the first GET after the login did. Not for GET and
      // HEAD, whose loops are the hot path and gain nothing from waiting.
      if (method !== "GET") await new Promise(setImmediate);
      return new BufferedResponse(new Uint8Array(bytes), { status, headers }, url);
    }
    const over = max > 0 ? () => tooLarge(status, method, url, max) : undefined;
    const body = typedBody(data.body, req, url, timeoutMs, release, max, over) as unknown as BodyInit;
    return withUrl(new Response(body, { status, headers }), url);
  };
  return Object.assign(send, {
    [NATIVE_TRANSPORT]: true as const,
    close: () => {
      for (const release of [...live]) release(true);
      return dispatcher.close();
    },
  });
}

/** undici's header record as Response init: passed as is unless a header repeats (Set-Cookie). */
function responseHeaders(raw: Record<string, string | string[] | undefined>): HeadersInit {
  for (const name in raw) {
    if (typeof raw[name] === "string") continue;
    const headers = new Headers();
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v === "string") headers.append(k, v);
      else if (v) for (const one of v) headers.append(k, one);
    }
    return headers;
  }
  return raw as Record<string, string>;
}

/** The PEM bundle at `path`; an unreadable file is a configuration error naming the option, not an ENOENT. */
function readCaFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw invalidConfig(`caFile cannot be read${typeof code === "string" ? ` (${code})` : ""}`, e);
  }
}

/** The typed error for an answer longer than maxResponseBytes. */
function tooLarge(status: number, method: string, url: string, max: number): HttpError {
  return new HttpError({
    status,
    method,
    url,
    class: "ResponseTooLarge",
    details: `the response body is over maxResponseBytes (${max})`,
  });
}

function toArray(ca: string | readonly string[] | undefined): string[] {
  return ca === undefined ? [] : typeof ca === "string" ? [ca] : [...ca];
}

/**
 * The body as an async iterable (which Response accepts) whose failures are typed like the request's. Not a
 * generator: a Response cancelled before its first read calls `return()` on an iterator that never started,
 * and a generator's `finally` would not run then, leaving the timer armed and the socket held.
 */
function typedBody(
  body: AsyncIterable<Uint8Array> & { destroy(): void },
  req: Request,
  url: string,
  timeoutMs: number,
  release: (destroy?: boolean) => void,
  max = 0,
  over?: () => Error,
): AsyncIterable<Uint8Array> {
  let it: AsyncIterator<Uint8Array> | undefined;
  let read = 0;
  const iterator: AsyncIterator<Uint8Array> = {
    next: async () => {
      try {
        const r = await (it ??= body[Symbol.asyncIterator]()).next();
        if (r.done) release();
        else if (over && (read += r.value.byteLength) > max) throw over();
        return r;
      } catch (e) {
        release(true);
        throw mapError(e, req, url, timeoutMs);
      }
    },
    // Cancelled (discarded, or the caller stopped reading): the socket is destroyed quietly.
    return: async () => {
      release(true);
      return { done: true, value: undefined };
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

const ignore = (): void => {};

/** A constructed Response has an empty `url`; callers (paginate's errors, users) read it. */
const withUrl = (res: Response, url: string): Response =>
  Object.defineProperty(res, "url", { value: url, enumerable: true });

function mapError(e: unknown, req: Request, url: string, timeoutMs: number): unknown {
  const signal = signalOf(req);
  if (signal?.aborted) return signal.reason;
  if (CloudpodsError.isInstance(e)) return e;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === "string" && TIMEOUT_CODES.has(code))
    return new TimeoutError(req.method, url, timeoutMs, e);
  return connectionError(req.method, url, e);
}
export { defaultTokenCacheDir, fileTokenCache } from "./auth/token-cache.js";
