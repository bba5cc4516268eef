// The contract between the auth plugin, the catalog and the session. Three styles fit it without special
// cases in the session: Keystone (a token plus a catalog), KubeSphere (a refreshable bearer token) and Alibaba
// API Gateway (an HMAC signature per attempt, no token at all).

export interface CatalogEndpoint {
  id?: string;
  interface: string;
  region?: string;
  region_id: string;
  url: string;
  name?: string;
}

export interface CatalogService {
  id?: string;
  name?: string;
  type: string;
  endpoints: CatalogEndpoint[];
}

export type ServiceCatalog = CatalogService[];

export interface IdName {
  id: string;
  name: string;
  domain?: { id: string; name: string };
}

/** The token body, parsed once at login. */
export interface AccessInfo {
  /** Opaque: 64 hex chars (current Cloudpods) or ~180-char Fernet strings (older Cloudpods, OpenStack). */
  token: string;
  expiresAt: Date;
  issuedAt: Date | undefined;
  methods: string[];
  user: IdName;
  /** Present on project-scoped tokens (and domain-scoped ones, where it is the domain). */
  project: IdName | undefined;
  domain: IdName | undefined;
  isDomain: boolean;
  roles: { id: string; name: string }[];
  /** Undefined for unscoped tokens and for keystones with no registered endpoints. */
  catalog: ServiceCatalog | undefined;
  /**
   * Epoch ms by the client's clock (`now`) when this token was asked for, so its age is never skewed by the
   * server's clock. KeystoneAuth.obtainedAt() hands it to the session's stale-token rule (a 403 on a token
   * ≥ 60 s old).
   */
  obtainedAt?: number | undefined;
  /** The raw `token` object, for fields this type does not name. Holds the AK/SK secret: never log it. */
  raw: Record<string, unknown>;
}

/** One attempt of a request, as the session is about to send it. */
export interface AuthorizeContext<A> {
  /** What getAccess() returned for this attempt. */
  access: A;
  /** The final URL (base resolved, query included). */
  url: string;
  /** The exact body bytes that will be sent (null: none). Signers hash these. */
  body: Uint8Array | null;
  /** 0 for the first send; every retry (transport or 401 replay) counts up. */
  attempt: number;
}

/** What a client hands its auth plugin once: its base URL and the transport logins should go through. */
export interface AuthEnv {
  baseUrl: string;
  fetch: (request: Request) => Promise<Response>;
}

/**
 * An auth provider. `A` is what one attempt is authorized with: Keystone's AccessInfo, a bearer token, or (for
 * a signer) a constant key. The session calls getAccess() then authorize() on EVERY attempt, after the URL and
 * body are final, so a signer signs each retry afresh; a 401 calls invalidate() and replays once when it says
 * a fresh credential is worth a try.
 */
export interface AuthPlugin<A = AccessInfo> {
  /** The cached credential, or a fresh login when it expires within the refresh margin. Single flight. */
  getAccess(): Promise<A>;
  /** Adds the credential to one attempt (a header, or a signature over method, URL, headers and body). */
  authorize(req: Request, ctx: AuthorizeContext<A>): void | Promise<void>;
  /**
   * Drops the cached credential; the next getAccess() logs in again. Pass the access a request was rejected
   * with: when it is no longer the cached one (another request already got a fresh token), nothing is
   * dropped. Returns false when no new credential can help (a signature): the 401 is then returned as is.
   */
  invalidate(failed?: A): boolean | void;
  /** Strings that must never appear in any message or log line (passwords, secrets, recently issued tokens). */
  secrets(): string[];
  /**
   * Epoch ms by the client's clock (`now`) when `access` was obtained. With it, a 403 on a credential at least
   * 60 s old is treated like a 401 once (Cloudpods answers a stale token 403); without it a 403 is returned.
   */
  obtainedAt?(access: A): number | undefined;
  /** Sees every final answer; may throw a typed error for an answer the gateway itself gave. */
  checkResponse?(res: Response, req: Request): Response | Promise<Response>;
  /** Called once by createTypedClient, before any request: the plugin's login URL and transport. */
  bind?(env: AuthEnv): void;
}
