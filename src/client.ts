// createCloudpods(): where the generated path types meet the runtime. Each service is an openapi-fetch client
// created once against PLACEHOLDER_BASE with the session's fetch; the session swaps in the catalog URL.
// Adding a service = its generated file + one service() line below.

import createClient, { type Client } from "openapi-fetch";
import { KeystoneAuth, type Credentials, type DomainScope, type ProjectScope } from "./auth/keystone.js";
import type { AuthPlugin, ServiceCatalog } from "./auth/types.js";
import { authUrlProblem, gatewayUrl, normalizeAuthUrl, serviceUrl, type EndpointType } from "./catalog.js";
import type { TokenCache } from "./auth/cache-types.js";
import type { DebugSink } from "./debug.js";
import { CloudpodsError, invalidConfig } from "./errors.js";
import { checkOptions } from "./options.js";
import { paginate, type PageResult } from "./paginate.js";
import { LightRequest } from "./request.js";
import { PLACEHOLDER_BASE, createSession, type RetryOptions } from "./session.js";
import { PLATFORM_FETCH, createTransport, type FetchFn, type Transport } from "./transport.js";
// Type only (erased): the module itself is imported lazily, in Node only.
import type * as NodeTransportModule from "./transport-node.js";
import type * as AccessKeys from "./access-keys.js";
import type { BatchOptions, BatchResult } from "./batch.js";
import * as Derived from "./derived.js";
import type { WaitForDeleteOptions, WaitOptions } from "./wait.js";
import type { paths as ComputePaths, ListItems as ComputeItems } from "../generated/compute.js";
import type { paths as IdentityPaths, ListItems as IdentityItems } from "../generated/identity.js";
import type { paths as ImagePaths, ListItems as ImageItems } from "../generated/image.js";

/** How requests are sent: shared by createCloudpods and createTypedClient. */
export interface ConnectionOptions {
  /** A plain fetch to send with (tests, browsers, proxies). Default: the Node transport, else global fetch. */
  fetch?: FetchFn | undefined;
  /** Epoch ms; token expiry and Retry-After dates. */
  now?: (() => number) | undefined;
  /** Per request, default 30 000; 0 disables. */
  timeoutMs?: number | undefined;
  /** A larger answer fails with code `ResponseTooLarge`. Default 64 MiB; 0 disables. */
  maxResponseBytes?: number | undefined;
  retry?: RetryOptions | false | undefined;
  /** PEM CA bundle(s); Node transport only. */
  ca?: string | readonly string[] | undefined;
  /** Path of a PEM bundle (fromEnv's YUNION_CERT_FILE); Node transport only. */
  caFile?: string | undefined;
  /** Skip TLS verification (YUNION_INSECURE); Node transport only, warns once. */
  insecure?: boolean | undefined;
  userAgent?: string | undefined;
  /** Log each request as a redacted curl line to console.debug. */
  debug?: boolean | undefined;
  onDebug?: DebugSink | undefined;
  /** Test hooks for the retry backoff. */
  random?: (() => number) | undefined;
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
}

/** Options of {@link createCloudpods}: where to log in, with what, and how requests are sent. */
export interface CloudpodsOptions extends ConnectionOptions {
  /** Keystone v3 URL ending in /v3, e.g. https://10.211.55.9:30500/v3 or https://<gw>/api/s/identity/v3. */
  authUrl: string;
  /** Password, token or AK/SK. Required unless `auth` is given. */
  credentials?: Credentials | undefined;
  /** A ready auth plugin instead of Keystone login from `credentials`. */
  auth?: AuthPlugin | undefined;
  project?: ProjectScope | undefined;
  domain?: DomainScope | undefined;
  /** Exact catalog region_id. Without it, the first region in sorted order is used. */
  region?: string | undefined;
  zone?: string | undefined;
  /**
   * Default `public`, or `apigateway` when authUrl contains /api/s/identity/ (the Cloudpods cloud-provider
   * driver's rule). climc defaults to internalURL because it runs inside the cluster, where internal URLs
   * such as https://default-region:30888 resolve; an SDK caller is usually outside it.
   */
  endpointType?: EndpointType | undefined;
  /** Refresh the token this long before it expires (capped at half its lifetime). Default 120 000. */
  refreshMarginMs?: number | undefined;
  /** How long a rejected login (4xx) is rethrown without asking keystone again. Default 30 000; 0 disables. */
  authFailureCooldownMs?: number | undefined;
  /** X-Yunion-Lang: the language of error details. */
  lang?: string | undefined;
  /** Keeps the token across processes: `fileTokenCache()` from `cloudpods-sdk/node`. Keystone login only. */
  tokenCache?: TokenCache | undefined;
}

type GetOp<Paths, P extends keyof Paths> = Paths[P] extends { get: infer Op } ? Op : never;
type Params<Op> = Op extends { parameters: infer X } ? X : never;
/** The paths that have a GET. */
type GetPath<Paths> = { [K in keyof Paths]: Paths[K] extends { get: object } ? K : never }[keyof Paths];
type OkJson<Op> = Op extends { responses: { 200: { content: { "application/json": infer J } } } }
  ? J
  : unknown;
/** A single-resource answer without its envelope: `{ server: ServerDetails }` → ServerDetails. */
export type Unwrapped<J> = J extends Record<string, infer V> ? NonNullable<V> : J;
/** What `waitFor(path, ...)` resolves with. */
export type ResourceOf<Paths, P extends keyof Paths> = Unwrapped<OkJson<GetOp<Paths, P>>>;

export interface WaitInit<Op> {
  params: Params<Op>;
}

/** The query and path of a list operation for `paginate`, plus its stop rules. */
export interface PaginateInit<Op> {
  query?: Params<Op> extends { query?: infer Q } ? Q : never;
  path?: Params<Op> extends { path?: infer Q } ? Q : never;
  signal?: AbortSignal | undefined;
  /** Default 10 000. */
  maxPages?: number | undefined;
}

/** One service's typed openapi-fetch client (`GET`, `POST`, ... on the spec's paths) plus `paginate`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- openapi-fetch's own bound
export type ServiceClient<Paths extends {}, Items> = Client<Paths> & {
  /** Every item of a list endpoint, page after page (see paginate.ts for the stop rules). */
  paginate<P extends keyof Items & keyof Paths>(
    path: P,
    init?: PaginateInit<GetOp<Paths, P>>,
  ): AsyncGenerator<Items[P], void, undefined>;
  /** Polls a GET until `until` holds; see wait.ts for the defaults, errors and backoff. */
  waitFor<P extends GetPath<Paths>>(
    path: P,
    init: WaitInit<GetOp<Paths, P>>,
    options: WaitOptions<ResourceOf<Paths, P>>,
  ): Promise<ResourceOf<Paths, P>>;
  /** Polls a GET until it answers 404 (or `pending_deleted`, when asked). */
  waitForDelete<P extends GetPath<Paths>>(
    path: P,
    init: WaitInit<GetOp<Paths, P>>,
    options?: WaitForDeleteOptions<ResourceOf<Paths, P>>,
  ): Promise<void>;
};

/** The client {@link createCloudpods} returns: one typed client per service, sharing one login. */
export interface Cloudpods {
  identity: ServiceClient<IdentityPaths, IdentityItems>;
  compute: ServiceClient<ComputePaths, ComputeItems>;
  /** The image service (glance); its create/update/get need headers: see src/image.ts. */
  image: ServiceClient<ImagePaths, ImageItems>;
  auth: AuthPlugin;
  /** The session's fetch for any catalog service type: requests built against PLACEHOLDER_BASE (the CLI). */
  fetchFor(serviceType: string): (req: Request) => Promise<Response>;
  /** The current token's catalog (logs in if needed); undefined for unscoped tokens. */
  catalog(): Promise<ServiceCatalog | undefined>;
  /**
   * Releases the Node transport's sockets and any body left unread. Idempotent; every later call fails at
   * once with code `ClientClosed`.
   */
  close(): Promise<void>;
  /** A new AK/SK pair for the caller's user and project, as `climc credential-create-aksk`. */
  createAccessKey(input?: AccessKeys.CreateAccessKeyInput): Promise<AccessKeys.CreatedAccessKey>;
  /** The caller's AK/SK pairs (`climc credential-get-aksk`); secrets only with `withSecret: true`. */
  listAccessKeys(options?: AccessKeys.ListAccessKeysOptions): Promise<AccessKeys.AccessKeyEntry[]>;
  deleteAccessKey(accessKey: string): Promise<void>;
  /**
   * Runs `fn` for every item, `concurrency` at a time (default 8); an openapi-fetch result with `error`
   * counts as failed. Resolves once every started item has settled; see batch.ts.
   */
  batch<T, R>(
    items: Iterable<T>,
    fn: (item: T, index: number, signal: AbortSignal | undefined) => Promise<R>,
    options?: BatchOptions<T, R>,
  ): Promise<BatchResult<T, R>>;
  /**
   * The same login (one token, one login in flight, one transport) with other defaults; close() on any
   * derived client closes the shared transport.
   */
  with(defaults: Derived.WithOptions): Cloudpods;
  /** The same user in another project: one token login with the current token, then cached. */
  withProject(project: ProjectScope): Cloudpods;
  /** The region_ids the catalog offers for a service (default compute_v2), sorted. */
  regions(serviceType?: string): Promise<string[]>;
}

/**
 * Creates the client. Synchronous and offline: the first request logs in to Keystone (password, token or
 * AK/SK), picks each service's URL from the token's catalog (or the API gateway) and keeps the token fresh.
 *
 * @example
 * ```ts
 * const cp = createCloudpods(fromEnv());
 * const { data, error } = await cp.compute.GET("/servers", { params: { query: { limit: 20 } } });
 * ```
 * @throws CloudpodsError `InvalidConfig` for contradictory options (TLS options with a custom fetch, a
 * gateway endpoint type without a gateway auth URL).
 */
export function createCloudpods(o: CloudpodsOptions): Cloudpods {
  checkOptions(o);
  const tls = o.ca !== undefined || o.caFile !== undefined || o.insecure === true;
  if (o.fetch && tls) throw invalidConfig(NODE_ONLY);
  const urlProblem = authUrlProblem(o.authUrl);
  if (urlProblem) throw invalidConfig(`authUrl ${urlProblem}`);
  const authUrl = normalizeAuthUrl(o.authUrl);
  const onDebug = o.onDebug ?? (o.debug ? (line: string) => console.debug(line) : undefined);

  let base: FetchFn | Transport | undefined;
  let loading: Promise<Transport> | undefined;
  let ready: Transport | undefined;
  // The option names match those of createTransport, KeystoneAuth, createSession and createNodeTransport, so
  // the options are handed on whole rather than field by field.
  const load = async (): Promise<Transport> =>
    createTransport({
      ...o,
      fetch: (base = o.fetch ?? (await defaultBase(o, tls))),
      onDebug,
      secrets: () => auth.secrets(),
    });
  let closed: Promise<void> | undefined;
  // Resolved on first use, so creating a client stays synchronous and never touches the network. A failed
  // load (an unreadable caFile) is not kept: the next call tries again. After close() every call, logins
  // included, fails at once.
  const transport: Transport = (req, init) =>
    closed
      ? Promise.reject(new CloudpodsError("the client is closed", "ClientClosed"))
      : ready
        ? ready(req, init)
        : (loading ??= load().catch((e: unknown) => {
            loading = undefined;
            throw e;
          })).then((t) => (ready = t)(req, init));

  if (!o.auth && !o.credentials) throw invalidConfig("give credentials or an auth plugin");
  const auth: AuthPlugin =
    o.auth ?? new KeystoneAuth({ ...o, credentials: o.credentials!, authUrl, fetch: transport, onDebug });
  // Idempotent; before the first call there is nothing to release.
  const close = () =>
    (closed ??= (async () => {
      await loading?.catch(() => {});
      await (base as { close?: () => Promise<void> } | undefined)?.close?.();
    })());
  return assemble(o, { authUrl, auth, transport, onDebug, close });
}

/** What every client derived from one createCloudpods() shares: one login, one transport. */
interface Shared {
  authUrl: string;
  auth: AuthPlugin;
  transport: Transport;
  onDebug: DebugSink | undefined;
  close: () => Promise<void>;
}

/** A client over shared parts; `derived` holds the per-request defaults of a cp.with(...) client. */
function assemble(o: CloudpodsOptions, sh: Shared, derived?: Derived.RequestDefaults): Cloudpods {
  const { authUrl, auth } = sh;
  const endpointType = o.endpointType ?? (authUrl.includes("/api/s/identity/") ? "apigateway" : "public");
  // Refuses a non-gateway auth URL now (InvalidConfig) rather than on the first request.
  if (endpointType === "apigateway") gatewayUrl(authUrl, "", { serviceType: "" });
  const transport = derived ? Derived.withDefaults(sh.transport, derived) : sh.transport;
  const session = createSession({
    ...o,
    auth,
    transport,
    resolve: (access, serviceType) =>
      serviceUrl(access.catalog, { ...o, serviceType, endpointType, authUrl }),
  });

  const secrets = () => auth.secrets();
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- openapi-fetch's own bound
  function service<Paths extends {}, Items>(serviceType: string): ServiceClient<Paths, Items> {
    const client = createClient<Paths>({
      baseUrl: PLACEHOLDER_BASE,
      fetch: session.fetchFor(serviceType),
      // Its Request keeps the URL a string and adds no signal of its own (see request.ts).
      Request: LightRequest as unknown as typeof Request,
    });
    const get = client.GET as unknown as (path: string, init: object) => Promise<PageResult>;
    return Object.assign(client, {
      paginate<P extends keyof Items & keyof Paths>(path: P, init: PaginateInit<GetOp<Paths, P>> = {}) {
        const p = path as string;
        // The envelope key is the path's last segment (`/servers` → "servers"), which is what the generated
        // listEnvelopes maps say for every list (a unit test checks it); not importing them saves bytes.
        return paginate<Items[P]>(
          (query) => get(p, { params: { query, path: init.path }, signal: init.signal }),
          p.slice(p.lastIndexOf("/") + 1),
          init.query as Record<string, unknown> | undefined,
          { ...init, label: p, secrets: () => auth.secrets() },
        );
      },
      async waitFor(path: string, init: { params: unknown }, options: WaitOptions<unknown>) {
        const poll = (signal: AbortSignal, extra?: object) =>
          get(path, { params: withQuery(init, extra), signal });
        const w = await import("./wait.js");
        return w.waitFor(poll, w.waitLabel(path, init.params), options, secrets);
      },
      async waitForDelete(path: string, init: { params: unknown }, options?: WaitForDeleteOptions<unknown>) {
        const poll = (signal: AbortSignal, extra?: object) =>
          get(path, { params: withQuery(init, extra), signal });
        const w = await import("./wait.js");
        return w.waitForDelete(poll, w.waitLabel(path, init.params), options, secrets);
      },
    }) as ServiceClient<Paths, Items>;
  }
  const identity = service<IdentityPaths, IdentityItems>("identity");
  // Lazy: only callers that manage access keys load that code.
  const keys = () => import("./access-keys.js");
  return {
    identity,
    compute: service<ComputePaths, ComputeItems>("compute_v2"),
    image: service<ImagePaths, ImageItems>("image"),
    auth,
    fetchFor: (serviceType) => session.fetchFor(serviceType),
    catalog: async () => (await auth.getAccess()).catalog,
    close: sh.close,
    with: (d) => {
      const defaults = Derived.checkWith(d);
      return assemble({ ...o, ...defaults.options }, sh, { ...derived, ...defaults.request });
    },
    withProject: (project) => {
      const scope = Derived.checkProject(project);
      const rescoped = Derived.rescope(auth, scope, {
        ...o,
        authUrl,
        fetch: sh.transport,
        onDebug: sh.onDebug,
      });
      return assemble({ ...o, project: scope, domain: undefined }, { ...sh, auth: rescoped }, derived);
    },
    regions: async (serviceType = "compute_v2") =>
      Derived.regionsOf((await auth.getAccess()).catalog, serviceType),
    createAccessKey: async (input) => (await keys()).createAccessKey(identity, secrets, input),
    listAccessKeys: async (options) => (await keys()).listAccessKeys(identity, secrets, options),
    deleteAccessKey: async (accessKey) => (await keys()).deleteAccessKey(identity, secrets, accessKey),
    batch: async (items, fn, options) => (await import("./batch.js")).batch(items, fn, options, secrets),
  };
}

/** The caller's params with `extra` query parameters added (a waiter's show_fail_reason). */
const withQuery = (init: { params: unknown }, extra: object | undefined): unknown => {
  const p = init.params as { query?: object } | undefined;
  return extra ? { ...p, query: { ...p?.query, ...extra } } : p;
};

export const NODE_ONLY = "ca, caFile and insecure need the Node transport (Node.js, no custom fetch)";

// Held in a variable so bundlers do not follow it: a browser build never sees undici or node:fs.
const NODE_TRANSPORT = "./transport-node.js";

/** The Node transport in Node (undici: CA bundles, keep-alive), else the platform fetch. */
export async function defaultBase(
  o: NodeTransportModule.NodeTransportOptions,
  tls: boolean,
): Promise<Transport | FetchFn> {
  const p = (globalThis as { process?: { versions?: Record<string, string | undefined> } }).process;
  if (typeof p?.versions?.node === "string" && !p.versions.bun && !("Deno" in globalThis)) {
    const m = (await import(NODE_TRANSPORT).catch((e: unknown) => {
      // A bundle that left transport-node.js behind: fall back to fetch unless TLS options need undici.
      if (tls) throw invalidConfig("the Node transport could not be loaded", e);
    })) as typeof NodeTransportModule | undefined;
    if (m) return m.createNodeTransport(o);
  }
  if (tls) throw invalidConfig(NODE_ONLY);
  return PLATFORM_FETCH;
}
