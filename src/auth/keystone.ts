// Keystone v3 login (Cloudpods and OpenStack): password, token and AK/SK methods, project or domain scope,
// a token cache refreshed early, and one shared in-flight login. The transport (`fetch`) is injected; a
// login POST is never retried here. authUrl is not validated here (fromEnv does; `new Request` throws on
// garbage) to keep the browser bundle small.

import { AuthenticationError, CloudpodsError, HttpError, invalidConfig, responseInit } from "../errors.js";
import { akskAuthBody } from "../lazy.js";
import { parseAccess } from "./access.js";
import { jsonEncode } from "./jsonutils.js";
import type { AccessInfo, AuthPlugin } from "./types.js";

export type Credentials =
  /** `domain` is the user's domain NAME (what climc sends); without it Cloudpods searches every domain. */
  | { username: string; password: string; domain?: string | undefined }
  | { userId: string; password: string }
  | { token: string }
  | { accessKey: string; secret: string };

/** `domain` is the project's domain NAME. */
export type ProjectScope = { id: string } | { name: string; domain?: string | undefined };
export type DomainScope = { id: string } | { name: string };

export interface KeystoneAuthOptions {
  /** Ends in /v3; trailing slashes are removed (mcclient would otherwise fall back to its v2 code path). */
  authUrl: string;
  credentials: Credentials;
  /** Ignored for AK/SK: keystone forces the credential's own project. */
  project?: ProjectScope | undefined;
  domain?: DomainScope | undefined;
  fetch: (request: Request) => Promise<Response>;
  /** Epoch milliseconds. */
  now?: (() => number) | undefined;
  refreshMarginMs?: number | undefined;
  /** `auth.context.source`, default "api" (see aksk.ts); "" sends no context. */
  source?: string | undefined;
}

/** Every credential field, for reading a Credentials union without narrowing it. */
type AnyCredentials = Partial<
  Record<"username" | "userId" | "password" | "domain" | "token" | "accessKey" | "secret", string>
>;

export class KeystoneAuth implements AuthPlugin {
  readonly authUrl: string;
  // Private fields keep credentials out of console.log, util.inspect and JSON.stringify.
  readonly #o: KeystoneAuthOptions;
  #access: AccessInfo | undefined;
  #staleAt = 0;
  #pending: Promise<AccessInfo> | undefined;

  constructor(options: KeystoneAuthOptions) {
    if (options.project && options.domain) {
      throw invalidConfig("give a project or a domain scope, not both");
    }
    this.authUrl = options.authUrl.replace(/\/+$/, "");
    this.#o = options;
  }

  /**
   * The cached access unless it expires within the margin (capped at half the token's lifetime, so short-lived
   * tokens do not cause a login per call). Concurrent callers share one login; a failed login rejects them all
   * and leaves nothing cached.
   */
  getAccess(): Promise<AccessInfo> {
    if (this.#access && this.#now() < this.#staleAt) return Promise.resolve(this.#access);
    return (this.#pending ??= this.#login().finally(() => (this.#pending = undefined)));
  }

  /**
   * Drops the cached token. A login already in flight is kept and its result cached: it started after the
   * token being invalidated was issued, so it is fresh, and N requests failing together with 401 then cost
   * one login, not N.
   */
  invalidate(): void {
    this.#access = undefined;
  }

  secrets(): string[] {
    const c = this.#o.credentials as AnyCredentials;
    return [c.password, c.secret, c.token, this.#access?.token].filter((s): s is string => !!s);
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  async #login(): Promise<AccessInfo> {
    const o = this.#o;
    const c = o.credentials as AnyCredentials;
    const p = o.project as { id?: string; name?: string; domain?: string } | undefined;
    const source = o.source ?? "api";
    const url = this.authUrl + "/auth/tokens";
    const body =
      c.accessKey !== undefined
        ? await akskAuthBody({
            authUrl: this.authUrl,
            accessKey: c.accessKey,
            secret: c.secret ?? "",
            now: this.#now(),
            source,
          })
        : jsonEncode({
            auth: {
              context: { source },
              identity:
                c.token !== undefined
                  ? { methods: ["token"], token: { id: c.token } }
                  : {
                      methods: ["password"],
                      password: {
                        user: {
                          id: c.userId,
                          name: c.username,
                          password: c.password,
                          domain: { name: c.domain },
                        },
                      },
                    },
              scope: p
                ? { project: { id: p.id, name: p.name, domain: { name: p.domain } } }
                : { domain: o.domain },
            },
          });
    const started = this.#now();
    const res = await o.fetch(
      new Request(url, { method: "POST", headers: { "Content-Type": "application/json" }, body }),
    );
    const text = await res.text();
    if (!res.ok) {
      const { errorFields } = await import("../errorbody.js");
      const init = { ...errorFields(res, text, this.secrets()), method: "POST", url };
      throw res.status >= 400 && res.status < 500 ? new AuthenticationError(init) : new HttpError(init);
    }
    const init = responseInit(res);
    const token = res.headers.get("x-subject-token");
    const access = parseAccess(token ?? "", text, init);
    if (!token)
      throw new CloudpodsError("the login answer has no X-Subject-Token header", "MissingSubjectToken", init);
    const expires = access.expiresAt.getTime();
    const margin = Math.min(
      o.refreshMarginMs ?? 120_000,
      (expires - (access.issuedAt?.getTime() ?? started)) / 2,
    );
    this.#staleAt = expires - margin;
    return (this.#access = access);
  }
}
