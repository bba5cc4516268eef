// The API gateway (apigateway with the backend service proxy): `/api/s/<type>[/r/<region>[/z/<zone>]]/<rest>`
// is stripped and `<rest>` forwarded unchanged to the service's INTERNAL endpoint, found in the catalog, so
// the client adds that endpoint's own path (`/v3`, `/v1`). Errors as the recordings show them: 500 with a
// JSON-encoded BadRequestError for a bad prefix, service or region; the backend's own 404 for a bad path.

import { SandboxHttpError, handlerNotFound } from "./errors.js";
import { errorReply } from "./router.js";
import { requestId, type Handler, type SandboxReply, type SandboxRequest } from "./http.js";
import type { Json } from "./spec.js";

export interface GatewayDeps {
  /** The internal endpoint URLs of a service type, by region. */
  internalUrls(serviceType: string): Map<string, string> | undefined;
  defaultRegion: string;
  /** The handler serving a URL origin (one of the sandbox's listeners). */
  backend(origin: string): Handler | undefined;
  now(): number;
}

const badRequest = (details: string, fields?: unknown[]): SandboxHttpError =>
  new SandboxHttpError(
    500,
    "InternalServerError",
    JSON.stringify({
      error: {
        class: "BadRequestError",
        code: 400,
        data: fields ? { fields, id: details } : { id: details },
        details,
      },
    }),
  );

export function gatewayHandler(deps: GatewayDeps): Handler {
  return async (req: SandboxRequest): Promise<SandboxReply> => {
    const hop = requestId();
    let reply: SandboxReply;
    try {
      reply = await forward(deps, req, hop);
    } catch (e) {
      reply = errorReply(e, deps.now());
    }
    // Proxied answers carry both hops' values joined with ", ".
    const inner = reply.headers?.["x-request-id"];
    return { ...reply, headers: { ...reply.headers, "x-request-id": inner ? `${hop}, ${inner}` : hop } };
  };
}

async function forward(deps: GatewayDeps, req: SandboxRequest, hop: string): Promise<SandboxReply> {
  const m = /^\/api\/s\/([^/]+)(\/.*)?$/.exec(req.path);
  if (!m) throw handlerNotFound();
  let rest = (m[2] ?? "").split("/").filter((x, i) => i > 0 || x);
  const requested = decodeURIComponent(m[1]!);
  const type = requested === "compute" ? "compute_v2" : requested;
  let region = deps.defaultRegion;
  if (!rest.length) throw badRequest("malformed URL, expect service");
  if (rest[0] === "r") {
    region = rest[1] ?? "";
    rest = rest.slice(2);
    if (rest[0] === "z") rest = rest.slice(2); // an unknown zone falls back to the region
    if (!rest.length || !region) throw badRequest("malformed URL, expect region");
  }
  const urls = deps.internalUrls(type);
  const failure = (why: string): SandboxHttpError =>
    badRequest(`invalid service ${type}: GetServiceVersionURLs: catalog.GetServiceURLs: ${why}`, [
      type,
      {} as Json,
    ]);
  if (!urls) throw failure(`No such service ${type}`);
  const target = urls.get(region);
  if (!target) throw failure(`No valid internal endpoint for ${type} in region ${region}`);
  const url = new URL(target);
  const backend = deps.backend(url.origin);
  if (!backend) throw failure(`unreachable ${type} endpoint`);
  return backend({ ...req, path: "/" + rest.join("/"), gatewayRequestId: hop });
}
