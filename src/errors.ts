// The thrown error family. API results stay openapi-fetch values ({ data, error }); only login, catalog and
// transport failures throw. Messages never carry headers, tokens, passwords or secrets.

const BRAND = Symbol.for("cloudpods-sdk.error");

export interface CloudpodsErrorInit {
  status?: number | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

export class CloudpodsError extends Error {
  override name = "CloudpodsError";
  /** Machine-readable kind: the Cloudpods error `class` when the server sent one, else a local code. */
  readonly code: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly [BRAND] = true;

  constructor(message: string, code: string, init: CloudpodsErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.status = init.status;
    this.requestId = init.requestId;
  }

  /** Works across duplicate copies of this package, where `instanceof` does not. */
  static isInstance(value: unknown): value is CloudpodsError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      status: this.status,
      requestId: this.requestId,
      message: this.message,
    };
  }
}

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
  readonly method: string;
  /** The request URL without its query string (queries can carry filters a user may not want logged). */
  readonly url: string;
  readonly class: string | undefined;
  readonly details: string | undefined;
  /** `Location` of a 3xx answer: redirects are never followed with the token attached. */
  readonly location: string | undefined;

  constructor(init: HttpErrorInit, message?: string) {
    const url = stripQuery(init.url);
    super(
      message ??
        `${init.method} ${url} failed: ${init.status}${init.class ? ` ${init.class}` : ""}${init.details ? `: ${init.details}` : ""}`,
      init.class ?? `Http${init.status}`,
      init,
    );
    this.method = init.method;
    this.url = url;
    this.class = init.class;
    this.details = init.details;
    this.location = init.location;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      method: this.method,
      url: this.url,
      class: this.class,
      details: this.details,
    };
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

function stripQuery(url: string): string {
  const i = url.indexOf("?");
  return i < 0 ? url : url.slice(0, i);
}

/** The Cloudpods error fields of a response body, whatever shape the server used (flat, OpenStack, foreign). */
export interface ErrorBody {
  class?: string | undefined;
  details?: string | undefined;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * Reads an error body the way mcclient's ParseJSONResponse does: the flat `{class, code, details}` first,
 * then one wrapped object (OpenStack `{"error": {code, title, message}}`) with message/title aliases, then
 * plain text. HTML pages are reduced to their <title> so no markup or echoed input reaches a message.
 */
export function parseErrorBody(text: string, contentType: string | null): ErrorBody {
  const trimmed = text.trim();
  if (trimmed === "") return {};
  if (trimmed.startsWith("{")) {
    try {
      let obj = JSON.parse(trimmed) as Record<string, unknown>;
      if (str(obj.class) === undefined && str(obj.details) === undefined) {
        const keys = Object.keys(obj);
        const only = keys.length === 1 ? obj[keys[0]!] : undefined;
        if (only && typeof only === "object") obj = only as Record<string, unknown>;
      }
      const details = str(obj.details) ?? str(obj.message) ?? str(obj.detail) ?? str(obj.error_msg);
      const cls =
        str(obj.class) ?? str(obj.title) ?? str(obj.type) ?? str(obj.error_code) ?? nonNumeric(obj.code);
      return { class: cls, details };
    } catch {
      // fall through: a body that merely starts with "{" is treated as text
    }
  }
  if (contentType?.includes("html") || /^<(!doctype|html)/i.test(trimmed)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim();
    return { details: title ? `HTML page: ${title}` : "HTML page" };
  }
  return { details: trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed };
}

function nonNumeric(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" && !/^\d+$/.test(v) ? v : undefined;
}

/**
 * Replaces every occurrence of each secret with `***`. Defence in depth for server-provided text (error
 * `details` can echo request input); longest first so a secret inside a longer one leaves no fragment.
 */
export function scrub(text: string | undefined, secrets: readonly string[]): string | undefined {
  if (!text) return text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s) text = text.split(s).join("***");
  return text;
}
