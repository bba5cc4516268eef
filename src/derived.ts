// What derived clients need beyond createCloudpods' own parts: a project-rescoped auth plugin (a token login
// with the base client's current token, as `climc --os-project-name` after login), and the regions a
// catalog offers.

import { KeystoneAuth, type KeystoneAuthOptions, type ProjectScope } from "./auth/keystone.js";
import type { AccessInfo, AuthPlugin, AuthorizeContext, ServiceCatalog } from "./auth/types.js";
import { serviceTypeFor, type EndpointType } from "./catalog.js";
import { invalidConfig } from "./errors.js";
import type { RetryOptions } from "./session.js";
import type { SendInit, Transport } from "./transport.js";

/** What `cp.with(...)` may change; everything else (login, transport, TLS) stays shared. */
export interface WithOptions {
  region?: string | undefined;
  zone?: string | undefined;
  endpointType?: EndpointType | undefined;
  /** X-Yunion-Lang for this client's requests. */
  lang?: string | undefined;
  /** Per request; 0 disables. */
  timeoutMs?: number | undefined;
  retry?: RetryOptions | false | undefined;
  /** Extra headers on every request of this client (not on logins). X-Auth-Token is refused. */
  headers?: Record<string, string> | undefined;
}

/** The per-request part of WithOptions, applied in front of the shared transport. */
export interface RequestDefaults {
  timeoutMs?: number | undefined;
  lang?: string | undefined;
  headers?: Record<string, string> | undefined;
}

const WITH_KEYS = new Set(["region", "zone", "endpointType", "lang", "timeoutMs", "retry", "headers"]);

/** Splits and checks cp.with() options: unknown keys and bad values are InvalidConfig, naming the key. */
export function checkWith(d: WithOptions): {
  options: Pick<WithOptions, "region" | "zone" | "endpointType" | "retry">;
  request: RequestDefaults;
} {
  if (d === null || typeof d !== "object") throw invalidConfig("with: give an options object");
  for (const k of Object.keys(d)) if (!WITH_KEYS.has(k)) throw invalidConfig(`with: unknown option ${k}`);
  const { region, zone, endpointType, lang, timeoutMs, retry, headers } = d;
  for (const [k, v] of Object.entries({ region, zone, endpointType, lang })) {
    if (v !== undefined && (typeof v !== "string" || v === ""))
      throw invalidConfig(`with: ${k} must be a non-empty string`);
  }
  if (
    timeoutMs !== undefined &&
    !(typeof timeoutMs === "number" && timeoutMs >= 0 && Number.isFinite(timeoutMs))
  ) {
    throw invalidConfig("with: timeoutMs must be a number of milliseconds >= 0");
  }
  if (headers !== undefined) {
    if (headers === null || typeof headers !== "object")
      throw invalidConfig("with: headers must be an object");
    for (const [k, v] of Object.entries(headers)) {
      if (typeof v !== "string") throw invalidConfig(`with: header ${k} must be a string`);
      if (/^(x-auth-token|authorization)$/i.test(k))
        throw invalidConfig(`with: header ${k} is set by the login`);
    }
  }
  const defined = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return {
    options: defined({ region, zone, endpointType, retry }),
    request: defined({ timeoutMs, lang, headers }),
  };
}

/** The shared transport with a derived client's headers, language and timeout. */
export function withDefaults(transport: Transport, d: RequestDefaults): Transport {
  const headers = Object.entries(d.headers ?? {});
  return (req: Request, init?: SendInit) => {
    for (const [k, v] of headers) req.headers.set(k, v);
    if (d.lang) req.headers.set("X-Yunion-Lang", d.lang);
    return transport(req, d.timeoutMs === undefined ? init : { ...init, timeoutMs: d.timeoutMs });
  };
}

/** Checks a withProject() argument: `{ id }` or `{ name, domain? }`, non-empty strings. */
export function checkProject(p: unknown): ProjectScope {
  const s = p as { id?: unknown; name?: unknown; domain?: unknown } | null | undefined;
  const str = (v: unknown) => typeof v === "string" && v.trim() !== "";
  if (s && str(s.id) && s.name === undefined) return { id: s.id as string };
  if (s && str(s.name) && s.id === undefined && (s.domain === undefined || str(s.domain))) {
    return s.domain === undefined
      ? { name: s.name as string }
      : { name: s.name as string, domain: s.domain as string };
  }
  throw invalidConfig("withProject: give { id } or { name, domain? } with non-empty strings");
}

type RescopeOptions = Omit<KeystoneAuthOptions, "credentials" | "project" | "domain" | "tokenCache">;

/**
 * The base plugin's identity in another project. The token credential is read at each login (a getter),
 * so a login after the base token was refreshed uses the fresh one; between logins the rescoped token is
 * cached like any other. Secrets are both plugins' (the base token is this one's credential).
 */
export function rescope(base: AuthPlugin, project: ProjectScope, o: RescopeOptions): AuthPlugin {
  let baseToken = "";
  const credentials = {
    get token() {
      return baseToken;
    },
  };
  // Not the persistent cache: its key would hash a base token that changes at every refresh.
  const inner = new KeystoneAuth({ ...o, credentials, project, domain: undefined, tokenCache: undefined });
  return {
    async getAccess() {
      baseToken = (await base.getAccess()).token;
      return inner.getAccess();
    },
    authorize: (req: Request, ctx: AuthorizeContext<AccessInfo>) => inner.authorize(req, ctx),
    invalidate: (failed?: AccessInfo) => inner.invalidate(failed),
    // The session's stale-token rule (a 403 on an old token means log in again) applies here too.
    obtainedAt: (access: AccessInfo) => inner.obtainedAt(access),
    secrets: () => [...base.secrets(), ...inner.secrets()],
  };
}

/** The region_ids the catalog has endpoints for, for one service type, sorted (`compute` = compute_v2). */
export function regionsOf(catalog: ServiceCatalog | undefined, serviceType: string): string[] {
  const type = serviceTypeFor(serviceType);
  const ids = (catalog ?? [])
    .filter((s) => s.type === type)
    .flatMap((s) => s.endpoints ?? [])
    .map((ep) => ep.region_id)
    .filter((id): id is string => typeof id === "string" && id !== "");
  return [...new Set(ids)].sort();
}
