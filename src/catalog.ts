// Pure queries over a token's service catalog, with mcclient's matching rules (cloudpods-auth.md §3.3, §3.4).
// Where mcclient picks at random (Go map order, rand.Intn) we pick deterministically, so a client talks to the
// same endpoint on every run: candidates are sorted by region_id, then URL, and the first one wins.

import type { CatalogEndpoint, ServiceCatalog } from "./auth/types.js";
import { CloudpodsError, EndpointNotFoundError } from "./errors.js";

/** `publicURL`-style names are climc's spelling; they match by the prefix rule. */
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

const NO_CATALOG =
  "no service catalog in token (an unscoped token, or a keystone without registered endpoints)";

/**
 * The URL of one endpoint. Interface: mcclient's prefix rule, `requested.startsWith(ep.interface)`, so
 * `publicURL` matches `public` (an empty interface never matches, where mcclient would match anything).
 * Region: exact `region_id`; with a zone, `<region>-<zone>` first. No region: every region qualifies.
 * Throws EndpointNotFoundError naming the filter.
 */
export function endpointFor(catalog: ServiceCatalog | undefined, filter: EndpointFilter): string {
  const type = serviceTypeFor(filter.serviceType);
  if (!catalog || catalog.length === 0) throw new EndpointNotFoundError(`${NO_CATALOG}: cannot find ${type}`);
  const endpoints = catalog.filter((s) => s.type === type).flatMap((s) => s.endpoints ?? []);
  const wanted = typeof filter.interface === "string" ? [filter.interface] : filter.interface;
  const { region, zone } = filter;
  for (const want of wanted) {
    const byInterface = endpoints.filter((ep) => ep.interface !== "" && want.startsWith(ep.interface));
    const chosen = region
      ? (pick(byInterface.filter((ep) => zone && ep.region_id === `${region}-${zone}`)) ??
        pick(byInterface.filter((ep) => ep.region_id === region)))
      : pick(byInterface);
    if (chosen) return chosen.url;
  }
  const where = `interface ${wanted.join("|")}${region ? `, region ${region}` : ""}${region && zone ? `, zone ${zone}` : ""}`;
  const have = endpoints.map((ep) => `${ep.interface}@${ep.region_id}`).sort();
  throw new EndpointNotFoundError(
    endpoints.length === 0
      ? `no service of type ${type} in the token's catalog`
      : `no ${type} endpoint with ${where} in the token's catalog (it has ${[...new Set(have)].join(", ")})`,
  );
}

function pick(candidates: CatalogEndpoint[]): CatalogEndpoint | undefined {
  let best: CatalogEndpoint | undefined;
  for (const ep of candidates) {
    if (!best || ep.region_id < best.region_id || (ep.region_id === best.region_id && ep.url < best.url))
      best = ep;
  }
  return best;
}

/** httputils.JoinPath: the first part loses trailing slashes, the others leading and trailing ones. */
function joinPath(base: string, ...parts: string[]): string {
  let out = base.replace(/\/+$/, "");
  for (const p of parts) {
    const t = p.replace(/^\/+|\/+$/g, "");
    if (t) out += `/${t}`;
  }
  return out;
}

/**
 * API gateway base (§3.4): `<gateway>/api/s/<type>[/r/<region>[/z/<zone>]]` plus the path of the service's
 * INTERNAL endpoint URL (its scheme and host are dropped: the gateway proxies to them). The gateway is the
 * auth URL before its last `/api/s/identity`.
 */
export function gatewayUrl(
  authUrl: string,
  internalUrl: string,
  filter: { serviceType: string; region?: string | undefined; zone?: string | undefined },
): string {
  const pos = authUrl.lastIndexOf("/api/s/identity");
  if (pos <= 0) {
    throw new CloudpodsError(
      `auth URL ${authUrl} is not an API gateway URL; apigateway mode needs e.g. https://<apigateway-host>/api/s/identity/v3`,
      "InvalidConfig",
    );
  }
  let prefix = joinPath(authUrl.slice(0, pos), "api/s", serviceTypeFor(filter.serviceType));
  if (filter.region) {
    prefix = joinPath(prefix, "r", filter.region);
    if (filter.zone) prefix = joinPath(prefix, "z", filter.zone);
  }
  // mcclient looks for the first "/" after index 9 (past "https://" and one host character) and keeps the
  // rest as the endpoint's path; reproduced as is, quirks included.
  const slash = internalUrl.indexOf("/", 9);
  return slash > 9 ? joinPath(prefix, internalUrl.slice(slash)) : prefix;
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
 * keystone), the auth URL itself is used.
 */
export function serviceUrl(catalog: ServiceCatalog | undefined, o: ServiceUrlOptions): string {
  const filter = { serviceType: o.serviceType, region: o.region, zone: o.zone };
  let url: string;
  try {
    url =
      o.endpointType === "apigateway"
        ? gatewayUrl(o.authUrl, endpointFor(catalog, { ...filter, interface: "internal" }), filter)
        : endpointFor(catalog, { ...filter, interface: o.endpointType });
  } catch (e) {
    if (o.serviceType !== "identity" || !(e instanceof EndpointNotFoundError)) throw e;
    url = o.authUrl;
  }
  if (o.serviceType === "identity" && url.slice(0, 5) !== o.authUrl.slice(0, 5)) url = o.authUrl;
  return url.replace(/\/+$/, "");
}
