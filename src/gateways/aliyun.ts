// Alibaba Cloud API Gateway (gateways.md §2): no token, an HMAC signature per attempt. The plugin signs in
// authorize(), which the session calls for every attempt after the URL and body are final, so a retry carries
// a new nonce and timestamp (the gateway refuses a nonce twice). A 401 is never replayed: a signature that
// failed once fails again. Answers the gateway made itself (X-Ca-Error-*) become ApiGatewayError.

import type { AuthEnv, AuthPlugin, AuthorizeContext } from "../auth/types.js";
import { HttpError, invalidConfig } from "../errors.js";
import { signAliyunRequest, type AliyunSignatureMethod } from "./aliyun-sign.js";

/**
 * Which of the API group's domains the client's baseUrl is. Read it from DescribeApiGroup or the console:
 * host names are never built here.
 * - `vpc`: the VPC second-level domain, reachable inside the VPC only, HTTP only (no quota).
 * - `public`: the public second-level domain, for tests (1,000 calls a day in mainland regions, 100 elsewhere).
 * - `custom`: a domain bound to the group, over HTTPS with the operator's certificate (production).
 */
export type AliyunEndpoint = "vpc" | "public" | "custom";

export interface AliyunApiGatewayAuthOptions {
  appKey: string;
  appSecret: string;
  endpoint: AliyunEndpoint;
  /** `X-Ca-Stage`: RELEASE, PRE or TEST. Not sent when absent (the gateway then uses RELEASE). */
  stage?: string | undefined;
  /** Sent as X-Ca-Signature-Method when given; absent means HmacSHA256. */
  signatureMethod?: AliyunSignatureMethod | undefined;
  /** Headers to sign beside the `x-ca-*` ones (the API's own header parameters the gateway checks). */
  signHeaders?: readonly string[] | undefined;
  /** Plain http:// must be asked for: requests and answers then travel unencrypted (the VPC domain). */
  allowInsecureHttp?: boolean | undefined;
  /** Epoch ms for X-Ca-Timestamp. */
  now?: (() => number) | undefined;
  /** X-Ca-Nonce; default crypto.randomUUID(). */
  nonce?: (() => string) | undefined;
}

/** An answer the API gateway made itself: a refused signature, a quota, a circuit breaker (`D503CB`). */
export class ApiGatewayError extends HttpError {
  override name = "ApiGatewayError";
  /**
   * The gateway's StringToSign from an "Invalid Signature" answer, `#` turned back into newlines, to compare
   * with the client's. Not enumerable: it lists the parameters and form fields, which may be confidential.
   */
  declare readonly serverStringToSign: string | undefined;
}

const SIGNATURE_DUMP = ", Server StringToSign:";

export class AliyunApiGatewayAuth implements AuthPlugin<null> {
  // Private fields keep the AppSecret out of console.log, util.inspect and JSON.stringify.
  readonly #o: AliyunApiGatewayAuthOptions;

  constructor(options: AliyunApiGatewayAuthOptions) {
    if (!options.appKey || !options.appSecret) throw invalidConfig("appKey and appSecret are required");
    if (!["vpc", "public", "custom"].includes(options.endpoint))
      throw invalidConfig('endpoint must be "vpc", "public" or "custom"');
    this.#o = options;
  }

  /** Checks the client's baseUrl against the declared endpoint kind. */
  bind({ baseUrl }: AuthEnv): void {
    const { endpoint, allowInsecureHttp } = this.#o;
    const scheme = /^([a-z]+):\/\//i.exec(baseUrl)?.[1]?.toLowerCase();
    if (scheme !== "http" && scheme !== "https") throw invalidConfig("baseUrl must be an http(s) URL");
    if (endpoint === "vpc" && scheme === "https")
      throw invalidConfig(
        "an API group's VPC second-level domain does not support HTTPS: call it over http:// from inside the VPC " +
          "(allowInsecureHttp: true), or bind a custom domain (CNAME to the VPC domain) for HTTPS",
      );
    if (endpoint === "custom" && scheme === "http")
      throw invalidConfig("a custom domain is called over https:// with the operator's certificate");
    if (scheme === "http" && !allowInsecureHttp)
      throw invalidConfig(`plain http:// to the ${endpoint} domain needs allowInsecureHttp: true`);
  }

  getAccess(): Promise<null> {
    return Promise.resolve(null);
  }

  authorize(req: Request, { url, body }: AuthorizeContext<null>): void {
    const o = this.#o;
    const { headers } = signAliyunRequest({
      method: req.method,
      url,
      headers: req.headers,
      body,
      appKey: o.appKey,
      appSecret: o.appSecret,
      timestamp: (o.now ?? Date.now)(),
      nonce: (o.nonce ?? (() => crypto.randomUUID()))(),
      signatureMethod: o.signatureMethod,
      stage: o.stage,
      signHeaders: o.signHeaders,
    });
    for (const [k, v] of Object.entries(headers)) req.headers.set(k, v);
  }

  invalidate(): boolean {
    return false;
  }

  secrets(): string[] {
    return [this.#o.appSecret];
  }

  checkResponse(res: Response, req: Request): Response {
    const message = res.headers.get("x-ca-error-message");
    const code = res.headers.get("x-ca-error-code");
    if (res.status < 400 || (message === null && code === null)) return res;
    void res.body?.cancel().catch(() => {});
    const cut = message?.indexOf(SIGNATURE_DUMP) ?? -1;
    const details = (cut < 0 ? message : message!.slice(0, cut))?.split(this.#o.appSecret).join("***");
    const err = new ApiGatewayError({
      status: res.status,
      method: req.method,
      url: req.url,
      class: code ?? undefined,
      details: details || undefined,
      requestId: res.headers.get("x-ca-request-id") ?? undefined,
    });
    const dump = cut < 0 ? undefined : message!.slice(cut + SIGNATURE_DUMP.length).replaceAll("#", "\n");
    Object.defineProperty(err, "serverStringToSign", { value: dump, enumerable: false });
    throw err;
  }
}
