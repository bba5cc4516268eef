// One listener's handler: fault injection, the service's base path (`/v3`, `/v1`, none for the region),
// then the spec router; every answer gets its X-Request-Id.

import { handlerNotFound } from "./errors.js";
import type { FaultTable } from "./faults.js";
import { requestId, type Handler, type SandboxReply } from "./http.js";
import { errorReply, route, type RouterDeps } from "./router.js";
import type { Scheduler } from "./clock.js";
import { SandboxHttpError } from "./errors.js";

export interface ServiceDeps {
  faults: FaultTable;
  clock: Scheduler;
  /** Path prefix of the endpoint URL; requests outside it are the app server's 404. */
  basePath: string;
  /** Undefined when the API is not in the manifest yet: every path is then a 404. */
  router: RouterDeps | undefined;
}

export function withFaults(faults: FaultTable, clock: Scheduler, next: Handler): Handler {
  return async (req) => {
    // A request the gateway forwards was already checked at the gateway.
    const fault = req.gatewayRequestId ? undefined : faults.take(req.method, req.path);
    if (fault?.kind === "reset") return { status: 0, reset: true };
    if (fault?.kind === "status") {
      const e = new SandboxHttpError(fault.status, fault.errorClass, fault.details);
      return stamp(errorReply(e, clock.now()));
    }
    if (fault?.kind === "delay") await clock.sleep(fault.ms);
    return next(req);
  };
}

const stamp = (reply: SandboxReply): SandboxReply => ({
  ...reply,
  headers: { ...reply.headers, "x-request-id": requestId() },
});

export function serviceHandler(d: ServiceDeps): Handler {
  return withFaults(d.faults, d.clock, async (req) => {
    const { basePath, router } = d;
    const inside = req.path === basePath || req.path.startsWith(basePath + "/");
    if (!router || !inside) return stamp(errorReply(handlerNotFound(), d.clock.now()));
    return stamp(await route(router, req, req.path.slice(basePath.length) || "/"));
  });
}
