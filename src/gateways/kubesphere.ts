// KubeSphere's gateway (ks-apigateway in 2.1, ks-apiserver in 3.x/4.x): log in once, then
// `Authorization: Bearer <token>` on every call. The token is refreshed before it expires with the
// refresh-token grant, falling back to a password login on invalid_grant; a 401 drops it and the session
// replays the request once after a new login. Concurrent callers share one login (gophercloud's reauth).
//
// Side effect to know: when the server runs with `multipleLogin: false`, every password or refresh grant
// revokes the user's other tokens (v4 `issueTokenTo` → RevokeAllUserTokens), so an SDK login logs the same
// user out of the console. Use a dedicated account for automation.

import type { AuthEnv, AuthPlugin, AuthorizeContext } from "../auth/types.js";
import { AuthenticationError, invalidConfig } from "../errors.js";
import {
  grantRequest,
  readGrant,
  type Grant,
  type GrantResult,
  type KubeSphereApi,
} from "./kubesphere-grant.js";

export type { KubeSphereApi } from "./kubesphere-grant.js";

export interface KubeSphereAuthOptions {
  username: string;
  password: string;
  /**
   * `oauth`: 3.x/4.x `POST /oauth/token`. `v2.1`: `POST /kapis/iam.kubesphere.io/v1alpha2/login`. Default
   * `auto`: OAuth first, and the 2.1 login when /oauth/token answers 404 or 405 (it does not exist there).
   */
  api?: KubeSphereApi | "auto" | undefined;
  /** OAuth client, required by 3.2+ (ignored by 3.0/3.1). Default `kubesphere`/`kubesphere`, the chart's. */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** The gateway's root URL (logins go to it, never to a /clusters/ prefix). Default: the client's baseUrl. */
  url?: string | undefined;
  /** Default: the client's transport, so logins share its timeouts, TLS settings and debug log. */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
  /** Epoch ms. */
  now?: (() => number) | undefined;
  /** Refresh this long before expiry (capped at half the lifetime). Default 60 000 (the server allows 10 s skew). */
  refreshMarginMs?: number | undefined;
  /**
   * How long a rejected password login is rethrown without asking again, default 30 000: KubeSphere locks an
   * account after repeated failures, so a wrong password must not cost one attempt per call. 0 disables.
   */
  authFailureCooldownMs?: number | undefined;
}

/** The credential one attempt is sent with. */
export interface KubeSphereToken {
  readonly token: string;
  /** Local-clock epoch ms; undefined when the token has no fixed expiry (2.1's sliding idle timeout). */
  readonly expiresAt: number | undefined;
}

/** The path prefix that sends API calls to a member cluster: `/clusters/{cluster}` (pass as `pathPrefix`). */
export const kubeSphereCluster = (cluster: string): string => {
  if (!cluster) throw invalidConfig("the cluster name is empty");
  return `/clusters/${encodeURIComponent(cluster)}`;
};

const DEFAULT_CLIENT = "kubesphere";

export class KubeSphereAuth implements AuthPlugin<KubeSphereToken> {
  // Private fields keep credentials out of console.log, util.inspect and JSON.stringify.
  readonly #o: KubeSphereAuthOptions;
  #url: string | undefined;
  #fetch: ((request: Request) => Promise<Response>) | undefined;
  #api: KubeSphereApi | undefined;
  #access: KubeSphereToken | undefined;
  #staleAt = 0;
  #refresh: string | undefined;
  #pending: Promise<KubeSphereToken> | undefined;
  #failure: AuthenticationError | undefined;
  #failedUntil = 0;
  #issued: string[] = [];

  constructor(options: KubeSphereAuthOptions) {
    if (!options.username || !options.password) throw invalidConfig("username and password are required");
    if (options.api !== undefined && !["oauth", "v2.1", "auto"].includes(options.api))
      throw invalidConfig('api must be "oauth", "v2.1" or "auto"');
    this.#o = options;
    this.#url = options.url?.replace(/\/+$/, "");
    this.#fetch = options.fetch;
    this.#api = options.api === "auto" ? undefined : options.api;
  }

  bind(env: AuthEnv): void {
    this.#url ??= env.baseUrl;
    this.#fetch ??= env.fetch;
  }

  /** The cached token unless it is within the refresh margin; otherwise one shared refresh or login. */
  getAccess(): Promise<KubeSphereToken> {
    const old = this.#access;
    if (old && (old.expiresAt === undefined || this.#now() < this.#staleAt)) return Promise.resolve(old);
    return (this.#pending ??= this.#renew()
      .catch((e: unknown) => {
        // An early refresh that failed keeps the old token while it is valid and not invalidated.
        if (old && old === this.#access && this.#now() < (old.expiresAt ?? 0)) return old;
        throw e;
      })
      .finally(() => (this.#pending = undefined)));
  }

  authorize(req: Request, { access }: AuthorizeContext<KubeSphereToken>): void {
    req.headers.set("Authorization", `Bearer ${access.token}`);
  }

  /** Drops the token a request was rejected with (not a newer one); the refresh token is tried next. */
  invalidate(failed?: KubeSphereToken): boolean {
    if (!failed || failed === this.#access) this.#access = undefined;
    return true;
  }

  secrets(): string[] {
    const { password, clientSecret } = this.#o;
    // The chart's default client secret is public, and scrubbing "kubesphere" would mangle every URL.
    const client = clientSecret && clientSecret !== DEFAULT_CLIENT ? [clientSecret] : [];
    return [password, ...client, ...this.#issued];
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  async #renew(): Promise<KubeSphereToken> {
    if (this.#refresh && this.#api === "oauth") {
      try {
        return this.#store(await this.#grant({ type: "refresh_token", refreshToken: this.#refresh }));
      } catch (e) {
        // Revoked or expired (a login elsewhere with multipleLogin off, or past its lifetime).
        if (!(e instanceof AuthenticationError && e.class === "invalid_grant")) throw e;
        this.#refresh = undefined;
      }
    }
    if (this.#failure && this.#now() < this.#failedUntil) throw this.#failure;
    const { username, password } = this.#o;
    try {
      return this.#store(await this.#grant({ type: "password", username, password }));
    } catch (e) {
      if (e instanceof AuthenticationError) {
        this.#failedUntil = this.#now() + (this.#o.authFailureCooldownMs ?? 30_000);
        this.#failure = e;
      }
      throw e;
    }
  }

  async #grant(grant: Grant): Promise<{ result: GrantResult; started: number }> {
    const url = this.#url;
    const send = this.#fetch;
    if (!url || !send)
      throw invalidConfig("KubeSphereAuth needs url and fetch options, or createTypedClient to bind it");
    const client = {
      clientId: this.#o.clientId ?? DEFAULT_CLIENT,
      clientSecret: this.#o.clientSecret ?? DEFAULT_CLIENT,
    };
    const started = this.#now();
    let api = this.#api ?? "oauth";
    let req = grantRequest(url, api, grant, client);
    let res = await send(req);
    if (this.#api === undefined && (res.status === 404 || res.status === 405)) {
      await res.body?.cancel().catch(() => {});
      api = "v2.1";
      req = grantRequest(url, api, grant, client);
      res = await send(req);
    }
    const result = await readGrant(res, req, this.secrets());
    this.#api = api;
    return { result, started };
  }

  #store({ result, started }: { result: GrantResult; started: number }): KubeSphereToken {
    const { accessToken, refreshToken, expiresInMs } = result;
    if (refreshToken) this.#refresh = refreshToken;
    const expiresAt = expiresInMs === undefined ? undefined : started + expiresInMs;
    if (expiresInMs !== undefined)
      this.#staleAt = started + expiresInMs - Math.min(this.#o.refreshMarginMs ?? 60_000, expiresInMs / 2);
    // The last few issued: a late error or debug line may still echo one that was replaced.
    this.#issued = [...this.#issued, accessToken, ...(refreshToken ? [refreshToken] : [])].slice(-6);
    return (this.#access = { token: accessToken, expiresAt });
  }
}
