// The thrown error family. API results stay openapi-fetch values ({ data, error }); only login, catalog and
// transport failures throw. Messages never carry headers, tokens, passwords or secrets. Written for size (it
// is in every browser bundle): fields are set by constructors only, subclasses mostly just name themselves;
// the error-body reader is errorbody.ts.

const BRAND = Symbol.for("cloudpods-sdk.error");

export interface CloudpodsErrorInit {
  status?: number | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

/** Base of every error the SDK throws; `isInstance()` works across duplicate package copies. */
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

/** A failed exchange with a Cloudpods service: status, method, URL, Cloudpods `class` and `details`. */
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

/** Keystone refused the login (e.g. class `WrongPassword`). */
export class AuthenticationError extends HttpError {
  override name = "AuthenticationError";
}

/** The catalog has no endpoint for the service, region, zone and interface asked for. */
export class EndpointNotFoundError extends CloudpodsError {
  override name = "EndpointNotFoundError";
  constructor(message: string) {
    super(message, "EndpointNotFound");
  }
}

/** A request did not finish within `timeoutMs`. */
export class TimeoutError extends CloudpodsError {
  override name = "TimeoutError";
  constructor(method: string, url: string, timeoutMs: number, cause?: unknown) {
    super(`${method} ${stripQuery(url)} timed out after ${timeoutMs} ms`, "TimeoutError", { cause });
  }
}
