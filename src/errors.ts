// The thrown error family. API results stay openapi-fetch values ({ data, error }); only login, catalog and
// transport failures throw. Messages never carry headers, tokens, passwords or secrets. Written for size (it
// is in every browser bundle): fields are set by constructors only, subclasses mostly just name themselves.
// Below them, the reader of failed answers' bodies (Cloudpods' flat error, OpenStack's, HTML, text).

const BRAND = Symbol.for("cloudpods-sdk.error");

export interface CloudpodsErrorInit {
  status?: number | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

export class CloudpodsError extends Error {
  override name = "CloudpodsError";
  // `declare`d fields are set by the constructor alone (no field initialisers emitted: smaller bundle).
  /** Machine-readable kind: the Cloudpods error `class` when the server sent one, else a local code. */
  declare readonly code: string;
  declare readonly status: number | undefined;
  declare readonly requestId: string | undefined;
  readonly [BRAND] = true;

  constructor(message: string, code: string, init: CloudpodsErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : init);
    this.code = code;
    this.status = init.status;
    this.requestId = init.requestId;
  }

  /** Works across duplicate copies of this package, where `instanceof` does not. */
  static isInstance(value: unknown): value is CloudpodsError {
    return (value as Record<symbol, unknown> | null)?.[BRAND] === true;
  }

  /** name, code, status, requestId, message, and HttpError's method, url, class and details. */
  toJSON(): Record<string, unknown> {
    // A redirect's Location may carry a query (a filter, a one-time code): it stays a field only.
    return { ...(this as object), message: this.message, location: undefined };
  }
}

/** A CloudpodsError with code `InvalidConfig`: options that cannot work together or at all. */
export const invalidConfig = (message: string, cause?: unknown): CloudpodsError =>
  new CloudpodsError(message, "InvalidConfig", { cause });

/** `url` without its query string (queries can carry filters a user may not want logged). */
export const stripQuery = (url: string): string => url.split("?")[0]!;

/** The status and the `X-Request-Id` (Cloudpods tags every answer with one) of an answer, for errors. */
export const responseInit = (res: Response): { status: number; requestId: string | undefined } => ({
  status: res.status,
  // OpenStack Keystone names the same header differently.
  requestId: res.headers.get("x-request-id") ?? res.headers.get("x-openstack-request-id") ?? undefined,
});

export interface HttpErrorInit extends CloudpodsErrorInit {
  status: number;
  method: string;
  url: string;
  class?: string | undefined;
  details?: string | undefined;
  location?: string | undefined;
}

export class HttpError extends CloudpodsError {
  override name = "HttpError";
  declare readonly status: number;
  declare readonly method: string;
  /** The request URL without its query string. */
  declare readonly url: string;
  declare readonly class: string | undefined;
  declare readonly details: string | undefined;
  /** `Location` of a 3xx answer: redirects are never followed with the token attached. */
  declare readonly location: string | undefined;

  constructor(init: HttpErrorInit, message?: string) {
    const { method, status, class: cls, details } = init;
    const url = stripQuery(init.url);
    super(
      message ?? `${method} ${url} failed: ${status}${cls ? ` ${cls}` : ""}${details ? `: ${details}` : ""}`,
      cls ?? `Http${status}`,
      init,
    );
    this.method = method;
    this.url = url;
    this.class = cls;
    this.details = details;
    this.location = init.location;
  }
}

export class AuthenticationError extends HttpError {
  override name = "AuthenticationError";
}

export class EndpointNotFoundError extends CloudpodsError {
  override name = "EndpointNotFoundError";
  constructor(message: string) {
    super(message, "EndpointNotFound");
  }
}

export class TimeoutError extends CloudpodsError {
  override name = "TimeoutError";
  constructor(method: string, url: string, timeoutMs: number, cause?: unknown) {
    super(`${method} ${stripQuery(url)} timed out after ${timeoutMs} ms`, "TimeoutError", { cause });
  }
}

/** The Cloudpods error fields of a response body, whatever shape the server used (flat, OpenStack, foreign). */
export interface ErrorBody {
  class?: string | undefined;
  details?: string | undefined;
}

/** The first of `keys` whose value in `o` is a non-empty string. */
const first = (o: Record<string, unknown>, ...keys: string[]): string | undefined =>
  keys.map((k) => o[k]).find((v): v is string => typeof v === "string" && v !== "");

/**
 * Reads an error body the way mcclient's ParseJSONResponse does: the flat `{class, code, details}` first,
 * then one wrapped object (OpenStack `{"error": {code, title, message}}`) with message/title aliases, then
 * plain text. HTML pages are reduced to their <title> so no markup or echoed input reaches a message.
 */
export function parseErrorBody(text: string, contentType: string | null): ErrorBody {
  const t = text.trim();
  if (t === "") return {};
  if (t[0] === "{") {
    try {
      let o = JSON.parse(t) as Record<string, unknown>;
      const only = Object.values(o);
      if (!first(o, "class", "details") && only.length === 1 && only[0] && typeof only[0] === "object")
        o = only[0] as Record<string, unknown>;
      // A numeric `code` is the HTTP status again, not a class.
      const code = first(o, "code")?.replace(/^\d+$/, "");
      return {
        class: first(o, "class", "title", "type", "error_code") ?? (code || undefined),
        details: first(o, "details", "message", "detail", "error_msg"),
      };
    } catch {
      // fall through: a body that merely starts with "{" is treated as text
    }
  }
  if (contentType?.includes("html") || /^<(!doctype|html)/i.test(t)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(t)?.[1]?.trim();
    return { details: title ? `HTML page: ${title}` : "HTML page" };
  }
  return { details: t.length > 200 ? `${t.slice(0, 200)}…` : t };
}

/**
 * Replaces every occurrence of each secret with `***`. Defence in depth for server-provided text (error
 * `details` can echo request input); longest first so a secret inside a longer one leaves no fragment.
 */
export function scrub(text: string | undefined, secrets: readonly string[]): string | undefined {
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s) text = text?.split(s).join("***");
  return text;
}

/** The HttpError fields of a failed answer whose body was read as `text`, with `secrets` scrubbed out. */
export function errorFields(res: Response, text: string, secrets: readonly string[] = []) {
  const e = parseErrorBody(text, res.headers.get("content-type"));
  return {
    status: res.status,
    requestId: res.headers.get("x-request-id") ?? res.headers.get("x-openstack-request-id") ?? undefined,
    class: scrub(e.class, secrets),
    details: scrub(e.details, secrets),
  };
}

/** Reason phrases for answers that carry none (HTTP/2, undici.request): `details` of an empty error body. */
const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
 * A failed answer whose body openapi-fetch will hand back as the flat Cloudpods `{code, class, details}`: a
 * flat body (`class` and a numeric `code`) keeps its bytes; an OpenStack `{"error": {...}}` body, an HTML
 * page, plain text or an empty body is rebuilt as one (class `Http<status>` when none can be read, details
 * the status text for an empty body), secrets scrubbed. Status, status text, headers and `url` are kept (the
 * content type of a rebuilt body becomes JSON). Reading the original ends the plain-fetch transport's timer.
 */
export async function errorResponse(res: Response, secrets: readonly string[] = []): Promise<Response> {
  const bytes = await res.arrayBuffer();
  const text = new TextDecoder().decode(bytes);
  const { status, statusText } = res;
  const headers = new Headers(res.headers);
  let body: BodyInit = bytes;
  try {
    const o = JSON.parse(text) as Record<string, unknown> | null;
    if (typeof o?.class !== "string" || typeof o.code !== "number") throw 0;
  } catch {
    const e = errorFields(res, text, secrets);
    for (const h of ["content-length", "content-encoding", "transfer-encoding"]) headers.delete(h);
    headers.set("content-type", "application/json");
    body = JSON.stringify({
      code: status,
      class: e.class ?? `Http${status}`,
      details: e.details ?? (statusText || REASONS[status] || `HTTP ${status}`),
    });
  }
  // A constructed Response has no `url`; callers that name the request read it.
  return Object.defineProperty(new Response(body, { status, statusText, headers }), "url", {
    value: res.url,
  });
}
