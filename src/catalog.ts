// Pure queries over a token's service catalog, with mcclient's matching rules (cloudpods-auth.md §3.3, §3.4).
// Where mcclient picks at random (Go map order, rand.Intn) we pick deterministically, so a client talks to the
// same endpoint on every run: candidates are sorted by region_id, then URL, and the first one wins.

import type { CatalogEndpoint, ServiceCatalog } from "./auth/types.js";
import { EndpointNotFoundError, invalidConfig } from "./errors.js";

/** `publicURL`-style names are climc's spelling; they match by the prefix rule. The one endpoint-type type. */
export type EndpointType =
  "public" | "internal" | "admin" | "publicURL" | "internalURL" | "adminURL" | "apigateway";

export interface EndpointFilter {
  /** Catalog type; `compute` is looked up as `compute_v2`, as mcclient does. */
  serviceType: string;
  /** One interface or a preference list tried in order (keystoneauth style), e.g. ["internal", "public"]. */
  interface: string | readonly string[];
  region?: string | undefined;
  /** Only used with a region: `<region>-<zone>` endpoints are preferred over `<region>` ones. */
  zone?: string | undefined;
}

/** mcclient's GetServiceName: the region service is registered as `compute_v2`. */
export function serviceTypeFor(serviceType: string): string {
  return serviceType === "compute" ? "compute_v2" : serviceType;
}

/**
 * A base URL without trailing slashes. mcclient takes the text after the last `/` as the auth version, so
 * `…/v3/` would select its v2 code path; every base URL here is kept in this form.
 */
export const normalizeAuthUrl = (url: string): string => url.replace(/\/+$/, "");

/**
 * Why `url` cannot be an auth URL, or undefined when it can. Never quotes the URL: userinfo would put a
 * password in the message. A query or fragment is refused because `/auth/tokens` is appended to the text
 * (it would post to a wrong path); userinfo because fetch refuses it with a TypeError that quotes it.
 */
export function authUrlProblem(url: unknown): string | undefined {
  if (typeof url !== "string" || url === "") return "is missing";
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "is not a URL";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return "is not an http(s) URL";
  if (u.username || u.password) return "must not carry a user or password (give them as credentials)";
  if (u.search || u.hash || /[?#]/.test(url)) return "must not have a query string or fragment";
  return undefined;
}

const NO_CATALOG =
  "no service catalog in token (an unscoped token, or a keystone without registered endpoints)";

/**
 * The URL of one endpoint. Interface: mcclient's prefix rule, `requested.startsWith(ep.interface)`, so
 * `publicURL` matches `public` (an empty interface never matches, where mcclient would match anything).
 * Region: exact `region_id`; with a zone, `<region>-<zone>` first. No region: every region qualifies.
 * Throws EndpointNotFoundError naming the filter.
 */
export function endpointFor(catalog: ServiceCatalog | undefined, filter: EndpointFilter): string {
  const { region, zone } = filter;
  const type = serviceTypeFor(filter.serviceType);
  if (!catalog?.length) throw new EndpointNotFoundError(`${NO_CATALOG}: cannot find ${type}`);
  // Sorted by region_id, then URL: the first match is the deterministic pick.
  const key = (ep: CatalogEndpoint): string => ep.region_id + "\0" + ep.url;
  // Malformed entries (null, a numeric url, endpoints that are not a list) are skipped, not dereferenced:
  // the catalog is server data, and a TypeError would name nothing.
  const endpoints = catalog
    .filter((s) => typeof s === "object" && s !== null && s.type === type && Array.isArray(s.endpoints))
    .flatMap((s) => s.endpoints)
    .filter(
      (ep): ep is CatalogEndpoint =>
        typeof ep === "object" &&
        ep !== null &&
        typeof ep.url === "string" &&
        typeof ep.interface === "string" &&
        typeof ep.region_id === "string",
    )
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const wanted = typeof filter.interface === "string" ? [filter.interface] : filter.interface;
  for (const want of wanted) {
    const find = (regionId?: string): CatalogEndpoint | undefined =>
      endpoints.find(
        (ep) =>
          ep.url && // a malformed entry without a URL is skipped, not returned
          ep.interface !== "" &&
          want.startsWith(ep.interface) &&
          (regionId === undefined || ep.region_id === regionId),
      );
    const chosen = region ? (zone && find(`${region}-${zone}`)) || find(region) : find();
    if (chosen) return chosen.url;
  }
  const have = [...new Set(endpoints.map((ep) => `${ep.interface}@${ep.region_id}`))].sort().join(", ");
  throw new EndpointNotFoundError(
    `no ${type} endpoint with interface ${wanted.join("|")}${region ? `, region ${region}` : ""}${region && zone ? `, zone ${zone}` : ""} in the token's catalog (it has ${have || "none"})`,
  );
}

/**
 * API gateway base (§3.4): `<gateway>/api/s/<type>[/r/<region>[/z/<zone>]]` plus the path of the service's
 * INTERNAL endpoint URL (its scheme and host are dropped: the gateway proxies to them). The gateway is the
 * auth URL before its last `/api/s/identity`.
 */
export function gatewayUrl(
  authUrl: string,
  internalUrl: string,
  {
    serviceType,
    region,
    zone,
  }: { serviceType: string; region?: string | undefined; zone?: string | undefined },
): string {
  const pos = authUrl.lastIndexOf("/api/s/identity");
  if (pos <= 0)
    throw invalidConfig(
      `apigateway mode needs an auth URL like https://<apigateway-host>/api/s/identity/v3, not ${authUrl}`,
    );
  // mcclient looks for the first "/" after index 9 (past "https://" and one host character) and keeps the
  // rest as the endpoint's path; reproduced as is, quirks included.
  const slash = internalUrl.indexOf("/", 9);
  const parts = ["api/s", serviceTypeFor(serviceType)];
  if (region) parts.push("r", region, ...(zone ? ["z", zone] : []));
  // httputils.JoinPath: the first part loses trailing slashes, the others leading and trailing ones.
  return [normalizeAuthUrl(authUrl.slice(0, pos))]
    .concat(parts, slash > 9 ? internalUrl.slice(slash) : "")
    .map((p, i) => (i ? p.replace(/^\/+|\/+$/g, "") : p))
    .filter((p, i) => !i || p)
    .join("/");
}

export interface ServiceUrlOptions {
  serviceType: string;
  endpointType: EndpointType;
  authUrl: string;
  region?: string | undefined;
  zone?: string | undefined;
}

/**
 * The base URL a service client sends to, without a trailing slash: the catalog URL for the endpoint
 * type, or the gateway URL in `apigateway` mode. For identity, mcclient's fallback applies: when the lookup
 * fails or the catalog URL's scheme differs from the auth URL's (a TLS-terminating proxy in front of
 * keystone), the auth URL itself is used; and an identity URL without `/v3` gets it appended, as mcclient's
 * joinUrl does for its `/v3/...` paths (OpenStack registers identity as `http://host:5000`).
 */
export function serviceUrl(catalog: ServiceCatalog | undefined, o: ServiceUrlOptions): string {
  const identity = o.serviceType === "identity";
  let url: string;
  try {
    url =
      o.endpointType === "apigateway"
        ? gatewayUrl(o.authUrl, endpointFor(catalog, { ...o, interface: "internal" }), o)
        : endpointFor(catalog, { ...o, interface: o.endpointType });
  } catch (e) {
    if (!identity || !(e instanceof EndpointNotFoundError)) throw e;
    url = o.authUrl;
  }
  if (identity && url.slice(0, 5) !== o.authUrl.slice(0, 5)) url = o.authUrl;
  url = normalizeAuthUrl(url);
  return identity && !url.endsWith("/v3") ? url + "/v3" : url;
}
