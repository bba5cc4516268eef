// The contract between the auth plugin, the catalog and the session. Keystone implements it today; the
// KubeSphere (bearer JWT) and Alibaba API Gateway (per-request HMAC) providers must fit the same shape.

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
   * server's clock. The session's stale-token rule (a 403 on a token ≥ 60 s old) reads it; a plugin that
   * cannot tell leaves it undefined, and a 403 is then returned as is.
   */
  obtainedAt?: number | undefined;
  /** The raw `token` object, for fields this type does not name. Holds the AK/SK secret: never log it. */
  raw: Record<string, unknown>;
}

export interface AuthPlugin {
  /** The cached token, or a fresh login when it expires within the refresh margin. Single flight. */
  getAccess(): Promise<AccessInfo>;
  /**
   * Drops the cached token; the next getAccess() logs in again. Pass the access a request was rejected with:
   * when it is no longer the cached one (another request already got a fresh token), nothing is dropped.
   */
  invalidate(failed?: AccessInfo): void;
  /** Strings that must never appear in any message or log line (passwords, secrets, recently issued tokens). */
  secrets(): string[];
}
