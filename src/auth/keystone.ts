// Keystone v3 login (Cloudpods and OpenStack): password, token and AK/SK methods, project or domain scope,
// a token cache refreshed early, and one shared in-flight login. Token times are anchored to the local clock
// (lifetime from the server's issued_at/expires_at), so a skewed client clock does not force a login per call. The transport (`fetch`) is injected; a
// login POST is never retried here. authUrl is not validated here (fromEnv does; `new Request` throws on
// garbage) to keep the browser bundle small.

import { AuthenticationError, CloudpodsError, HttpError, invalidConfig, responseInit } from "../errors.js";
import { errorFields } from "../errorbody.js";
import { normalizeAuthUrl } from "../catalog.js";
import { parseAccess } from "./access.js";
import { jsonEncode } from "./jsonutils.js";
import type { TokenCache } from "./cache-types.js";
import type { AccessInfo, AuthPlugin, AuthorizeContext } from "./types.js";
import type { AkskInput } from "./aksk.js";

/**
 * The exact JSON body POSTed to {authUrl}/auth/tokens for an AK/SK login (see aksk.ts). The signer is the one
 * lazy chunk worth its indirection (over 1 kB a page without AK/SK never loads).
 */
export const akskAuthBody = async (input: AkskInput): Promise<string> =>
  (await import("./aksk.js")).akskAuthBody(input);

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
  /**
   * How long a rejected login (4xx) is rethrown without asking keystone again, default 30 000: a wrong or
   * rotated password must not cost one attempt per API call (Cloudpods locks the account after a few).
   */
  authFailureCooldownMs?: number | undefined;
  /** `auth.context.source`, default "api" (see aksk.ts); "" sends no context. */
  source?: string | undefined;
  /** Keeps tokens across processes (`fileTokenCache()` from the `./node` entry point). */
  tokenCache?: TokenCache | undefined;
  /** Token cache misses that are not plain absences (corrupt or unreadable entries). */
  onDebug?: ((line: string) => void) | undefined;
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
  // Local-clock times for #access: refresh from #staleAt, unusable from #expireAt.
  #staleAt = 0;
  #expireAt = 0;
  #pending: Promise<AccessInfo> | undefined;
  // A rejected login, rethrown until #failedUntil. A login only succeeds after that, so it is never cleared.
  #failure: HttpError | undefined;
  #failedUntil = 0;
  /** The last few issued tokens: a later error or debug line may still echo one that was invalidated. */
  #issued: string[] = [];
  /** The persistent cache key (hashed once) and a removal still in flight, awaited before the next read. */
  #cacheKey: Promise<string> | undefined;
  #removing: Promise<unknown> | undefined;

  constructor(options: KeystoneAuthOptions) {
    if (options.project && options.domain) {
      throw invalidConfig("give a project or a domain scope, not both");
    }
    this.authUrl = normalizeAuthUrl(options.authUrl);
    this.#o = options;
  }

  /**
   * The cached access unless it expires within the margin (capped at half the token's lifetime, so short-lived
   * tokens do not cause a login per call). Concurrent callers share one login; a failed login rejects them all
   * and caches nothing, except that an early refresh falls back to the old token while it is still valid and
   * was not invalidated (the next call tries again).
   */
  getAccess(): Promise<AccessInfo> {
    const old = this.#access;
    if (old && this.#now() < this.#staleAt) return Promise.resolve(old);
    return (this.#pending ??= this.#login()
      .catch((e: unknown) => {
        if (old && old === this.#access && this.#now() < this.#expireAt) return old;
        throw e;
      })
      .finally(() => (this.#pending = undefined)));
  }

  /**
   * Drops the cached token, unless `failed` (the access a request was rejected with) is given and is no longer
   * the cached one: another request already replaced it. A login already in flight is kept and its result
   * cached: it started after the failed token was issued, so it is fresh, and N requests failing together with
   * 401 then cost one login, not N. A cached login failure stays: a service's 401 says nothing about the
   * password.
   */
  invalidate(failed?: AccessInfo): boolean {
    if (!failed || failed === this.#access) {
      const dropped = this.#access ?? failed;
      this.#access = undefined;
      const cache = this.#o.tokenCache;
      if (cache && dropped) {
        this.#removing = this.#key()
          .then((k) => cache.remove(k, dropped.token, this.#o.onDebug))
          .catch(() => {});
      }
    }
    return true;
  }

  authorize(req: Request, { access }: AuthorizeContext<AccessInfo>): void {
    req.headers.set("X-Auth-Token", access.token);
  }

  obtainedAt(access: AccessInfo): number | undefined {
    return access.obtainedAt;
  }

  secrets(): string[] {
    const c = this.#o.credentials as AnyCredentials;
    return [c.password, c.secret, c.token, ...this.#issued].filter((s): s is string => !!s);
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  #key(): Promise<string> {
    return (this.#cacheKey ??= import("./cached-login.js").then((m) =>
      m.cacheKey({ ...this.#o, authUrl: this.authUrl }),
    ));
  }

  /** A still-fresh token another process (or an earlier run) cached, adopted as if this login returned it. */
  async #cached(cache: TokenCache): Promise<AccessInfo | undefined> {
    await this.#removing;
    const m = await import("./cached-login.js");
    const entry = await m.quietly(this.#key().then((k) => cache.load(k, this.#o.onDebug)));
    const hit = entry && m.fromEntry(entry, this.#now(), this.#o.refreshMarginMs ?? 120_000);
    if (entry && !hit) this.#o.onDebug?.("token cache: entry stale or unreadable, logging in");
    if (!hit) return undefined;
    this.#staleAt = hit.staleAt;
    this.#expireAt = hit.expireAt;
    this.#issued = [...this.#issued.slice(-3), hit.access.token];
    return (this.#access = hit.access);
  }

  async #login(): Promise<AccessInfo> {
    const o = this.#o;
    if (this.#failure && this.#now() < this.#failedUntil) throw this.#failure;
    const fromCache = o.tokenCache && (await this.#cached(o.tokenCache));
    if (fromCache) return fromCache;
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
      const init = { ...errorFields(res, text, this.secrets()), method: "POST", url };
      const { status } = res;
      if (status === 404 && !/\/v3$/.test(this.authUrl)) {
        // Not a credential problem: nothing is cached, and the message says what to fix.
        throw new HttpError({ ...init, details: "no keystone here: the auth URL should end in /v3" });
      }
      if (status === 429) {
        // Rate limited: honour Retry-After before asking again (as a failure, not as a bad credential).
        const { retryAfterMs } = await import("../backoff.js");
        const wait = retryAfterMs(res.headers.get("retry-after"), this.#now());
        const error = new HttpError(init);
        if (wait) [this.#failure, this.#failedUntil] = [error, this.#now() + wait];
        throw error;
      }
      // Only a rejected credential is cached; a 5xx or another refusal may pass on the next try.
      if (status !== 401 && status !== 403)
        throw status < 400 || status > 499 ? new HttpError(init) : new AuthenticationError(init);
      this.#failedUntil = this.#now() + (o.authFailureCooldownMs ?? 30_000);
      throw (this.#failure = new AuthenticationError(init));
    }
    const init = responseInit(res);
    const token = res.headers.get("x-subject-token");
    const access = parseAccess(token ?? "", text, init);
    if (!token)
      throw new CloudpodsError("the login answer has no X-Subject-Token header", "MissingSubjectToken", init);
    // Server-clock lifetime, anchored at the local time the login was sent (the token is at least this old).
    const lifetime = access.expiresAt.getTime() - (access.issuedAt?.getTime() ?? started);
    // A token that expires before it was issued would be refreshed on every call.
    if (!(lifetime > 0))
      throw new CloudpodsError(
        "invalid token response: expires_at is not after issued_at",
        "InvalidTokenResponse",
        init,
      );
    this.#expireAt = started + lifetime;
    this.#staleAt = this.#expireAt - Math.min(o.refreshMarginMs ?? 120_000, lifetime / 2);
    this.#issued = [...this.#issued.slice(-3), token];
    if (o.tokenCache) {
      const m = await import("./cached-login.js");
      const entry = m.toEntry(token, text, this.#expireAt, lifetime);
      await m.quietly(this.#key().then((k) => o.tokenCache!.save(k, entry, o.onDebug)));
    }
    return (this.#access = { ...access, obtainedAt: started });
  }
}
