// startSandbox(): an in-process Cloudpods on 127.0.0.1. One listener per catalog endpoint (identity,
// compute_v2 and image in region0, public and internal; compute_v2 in region1) plus the API gateway, all
// routed and validated from our bundled specs and backed by in-memory state.

import { Scheduler, type Clock } from "./clock.js";
import { FaultTable, type Faults } from "./faults.js";
import { Listener, type Handler } from "./http.js";
import { gatewayHandler } from "./gateway.js";
import { serviceHandler, withFaults } from "./service.js";
import { loadApiTables, type ApiTable } from "./spec.js";
import { createValidator } from "./validate.js";
import { SERVICE_NAMES, seedCatalog, type EndpointSeed } from "./catalog.js";
import { IdentityState, type AdminAccount } from "./identity/state.js";
import { TokenStore, DEFAULT_TOKEN_LIFETIME_MS } from "./identity/tokens.js";
import { identityHandlers } from "./identity/handlers.js";
import { ComputeState, type Owner } from "./compute/state.js";
import { computeResources } from "./compute/resources.js";
import { serverHandlers } from "./compute/servers.js";
import { ImageState } from "./image/state.js";
import { imageHandlers } from "./image/handlers.js";
import { crudHandlers, type Resource } from "./crud.js";
import type { Ctx, OpHandler } from "./router.js";
import { inputError } from "./errors.js";
import { invalidConfig } from "../errors.js";

export interface SandboxOptions {
  /** Port of the identity (auth URL) listener; default 0 (ephemeral). The other listeners are ephemeral. */
  port?: number | undefined;
  /** Delay between two status steps of servers and images; default 300 ms. */
  statusDelayMs?: number | undefined;
  /** Token lifetime; default 24 h, as keystone. */
  tokenLifetimeMs?: number | undefined;
  /** The admin account (default sysadmin / Sysadmin@Sandbox123 in domain Default, project system). */
  admin?: Partial<AdminAccount> | undefined;
}

export interface SandboxOperations {
  /** operationIds the sandbox serves with state. */
  withState: string[];
  /**
   * operationIds routed and validated but answered 501 NotImplementedError. Both lists cover the
   * keystone-secured APIs of the manifest (`<api>:<operationId>`); other products' specs are not served.
   */
  notImplemented: string[];
}

export interface Sandbox {
  /** Keystone v3 URL, `http://127.0.0.1:<port>/v3`. */
  authUrl: string;
  /** The same keystone through the API gateway, `http://127.0.0.1:<port>/api/s/identity/v3`. */
  gatewayAuthUrl: string;
  admin: AdminAccount;
  /** Catalog regions, default first. */
  regions: string[];
  /** Every catalog URL by service type, region and interface. */
  endpoints: EndpointSeed[];
  faults: Faults;
  clock: Clock;
  operations: SandboxOperations;
  /** Makes a token unusable at once, as DELETE /auth/tokens does. */
  revokeToken(token: string): boolean;
  /** Makes a token expire now (the client then sees 403 until it logs in again). */
  expireToken(token: string): boolean;
  /** Releases every socket and timer. Idempotent. */
  close(): Promise<void>;
}

const REGIONS = ["region0", "region1"];

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const stepMs = options.statusDelayMs ?? 300;
  if (!(stepMs >= 0)) throw invalidConfig("statusDelayMs must be >= 0");
  const clock = new Scheduler(stepMs);
  const now = (): number => clock.now();
  const faults = new FaultTable();
  const tables = loadApiTables();
  const table = (serviceType: string): ApiTable | undefined =>
    tables.find((t) => t.serviceType === serviceType);
  const validator = createValidator(tables);
  const admin: AdminAccount = {
    username: "sysadmin",
    password: "Sysadmin@Sandbox123",
    domain: "Default",
    project: "system",
    ...options.admin,
  };
  const identity = new IdentityState(now, admin);
  const tokens = new TokenStore(now, options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS);
  const system = [...identity.projects.items.values()].find((p) => p.name === admin.project)!;
  const systemOwner: Owner = ownerOf(system.id, identity);
  const owner = (ctx: Ctx): Owner => ownerOf(ctx.token.projectId ?? system.id, identity);

  const checkToken = (id: string | undefined) => {
    const t = tokens.valid(id);
    return t?.projectId ? t : undefined; // an unscoped token cannot call resources
  };
  const handled = new Set<string>();
  const routerFor = (t: ApiTable | undefined, handlers: Map<string, OpHandler>) => {
    if (!t) return undefined;
    for (const op of t.operations)
      if (handlers.has(op.operationId)) handled.add(`${t.name}:${op.operationId}`);
    return { table: t, validator, handlers, checkToken, now };
  };

  const images = new ImageState(clock, systemOwner);
  const identityTable = table("identity");
  const identityRouter = routerFor(
    identityTable,
    identityTable ? identityHandlers(identityTable, identity, tokens, now) : new Map(),
  );
  const imageTable = table("image");
  const imageRouter = routerFor(
    imageTable,
    imageTable ? imageHandlers(imageTable, images, clock, owner) : new Map(),
  );
  const computeTable = table("compute_v2");
  const computeRouters = REGIONS.map((region) => {
    const state = new ComputeState(now, region, systemOwner);
    if (!computeTable) return undefined;
    const resources = computeResources(state, owner, now);
    resources.set("servers", { collection: state.servers, create: noCreate } satisfies Resource);
    resources.set("disks", {
      collection: state.disks,
      create: (input, ctx) =>
        state.base(String(input.name ?? ""), {
          ...owner(ctx),
          disk_size: input.size ?? 10240,
          disk_type: "data",
          pending_deleted: false,
          status: "ready",
          ...input,
        }),
    });
    const handlers = crudHandlers(computeTable, resources, now);
    for (const [k, v] of serverHandlers(state, images, clock, owner, (project) => {
      const p = identity.projects.find(project);
      return p && ownerOf(p.id, identity);
    }))
      handlers.set(k, v);
    return routerFor(computeTable, handlers);
  });

  // Listeners first (their ports go into the catalog), handlers bound once the catalog exists.
  const listeners: Listener[] = [];
  const byOrigin = new Map<string, Handler>();
  const endpoints: EndpointSeed[] = [];
  const listen = async (handler: Handler, port = 0): Promise<string> => {
    const l = new Listener(handler);
    listeners.push(l);
    const origin = `http://127.0.0.1:${await l.listen(port)}`;
    byOrigin.set(origin, handler);
    return origin;
  };
  try {
    const service = (basePath: string, router: ReturnType<typeof routerFor>): Handler =>
      serviceHandler({ faults, clock, basePath, router });
    const identityHandler = service("/v3", identityRouter);
    const idPublic = await listen(identityHandler, options.port ?? 0);
    const idInternal = await listen(identityHandler);
    endpoints.push(
      {
        serviceType: "identity",
        serviceName: SERVICE_NAMES.identity!,
        region: "region0",
        interface: "public",
        url: `${idPublic}/v3`,
      },
      {
        serviceType: "identity",
        serviceName: SERVICE_NAMES.identity!,
        region: "region0",
        interface: "internal",
        url: `${idInternal}/v3`,
      },
    );
    for (const [i, region] of REGIONS.entries()) {
      const h = service("", computeRouters[i]);
      for (const iface of ["public", "internal"] as const)
        endpoints.push({
          serviceType: "compute_v2",
          serviceName: SERVICE_NAMES.compute_v2!,
          region,
          interface: iface,
          url: await listen(h),
        });
    }
    const imageHandler = service("/v1", imageRouter);
    for (const iface of ["public", "internal"] as const)
      endpoints.push({
        serviceType: "image",
        serviceName: SERVICE_NAMES.image!,
        region: "region0",
        interface: iface,
        url: `${await listen(imageHandler)}/v1`,
      });
    // Any other keystone-secured API of the manifest gets its own endpoint in region0, every operation
    // routed and validated (501 until it has state). APIs of other products (KubeSphere) are not served.
    for (const t of tables.filter((t) => keystoneSecured(t) && !BUILT_IN.includes(t.serviceType))) {
      const basePath = specBasePath(t);
      const h = service(basePath, routerFor(t, new Map()));
      for (const iface of ["public", "internal"] as const)
        endpoints.push({
          serviceType: t.serviceType,
          serviceName: t.name,
          region: "region0",
          interface: iface,
          url: `${await listen(h)}${basePath}`,
        });
    }
    seedCatalog(identity, endpoints);

    const gateway = await listen(
      withFaults(
        faults,
        clock,
        gatewayHandler({
          defaultRegion: REGIONS[0]!,
          now,
          backend: (origin) => byOrigin.get(origin),
          internalUrls: (type) => {
            const eps = [...identity.endpoints.items.values()].filter(
              (e) => e.service_type === type && e.interface === "internal",
            );
            return eps.length ? new Map(eps.map((e) => [String(e.region_id), String(e.url)])) : undefined;
          },
        }),
      ),
    );

    const all = tables
      .filter(keystoneSecured)
      .flatMap((t) => t.operations.map((op) => `${t.name}:${op.operationId}`));
    let closing: Promise<void> | undefined;
    return {
      authUrl: `${idPublic}/v3`,
      gatewayAuthUrl: `${gateway}/api/s/identity/v3`,
      admin: { ...admin },
      regions: [...REGIONS],
      endpoints: endpoints.map((e) => ({ ...e })),
      faults,
      clock,
      operations: {
        withState: all.filter((k) => handled.has(k)),
        notImplemented: all.filter((k) => !handled.has(k)),
      },
      revokeToken: (t) => tokens.revoke(t),
      expireToken: (t) => tokens.expire(t),
      close: () =>
        (closing ??= (async () => {
          clock.close();
          await Promise.all(listeners.map((l) => l.close()));
        })()),
    };
  } catch (e) {
    clock.close();
    await Promise.all(listeners.map((l) => l.close()));
    throw e;
  }
}

const BUILT_IN = ["identity", "compute_v2", "image"];

/** Cloudpods APIs log in at keystone; a spec of another product (bearer tokens) is not served. */
const keystoneSecured = (t: ApiTable): boolean =>
  JSON.stringify(t.document.security ?? []).includes('"keystone"');

/** The path of the spec's first server URL (`https://{host}:{port}/v1` → `/v1`). */
const specBasePath = (t: ApiTable): string => {
  const url = String(((t.document.servers as { url?: string }[] | undefined) ?? [])[0]?.url ?? "");
  return (/^[a-z]+:\/\/[^/]+(\/.*)?$/i.exec(url)?.[1] ?? "").replace(/\/+$/, "");
};

const noCreate = (): never => {
  throw inputError("servers are created by createServer");
};

function ownerOf(projectId: string, identity: IdentityState): Owner {
  const p = identity.projects.items.get(projectId);
  return {
    domain_id: String(p?.domain_id ?? "default"),
    project: String(p?.name ?? ""),
    project_domain: String(identity.domainRef(p?.domain_id).name),
    project_src: "local",
    tenant: String(p?.name ?? ""),
    tenant_id: projectId,
  };
}
