// The fault table shared by fault-matrix.test.ts (typed outcomes, request counts) and secret-scan.test.ts
// (no credential in any error or debug line): each scenario scripts the fake server, then makes one call
// through the real public API on the default Node transport.
import { createCloudpods, type Cloudpods, type CloudpodsOptions } from "../../src/index.js";
import {
  cloudpodsError,
  html,
  json,
  login,
  redirect,
  resetMidBody,
  stall,
  text,
  type FaultServer,
  type Reply,
  type ReplyContext,
  type Routes,
} from "./fault-server.js";

export interface FaultEnv {
  server: FaultServer;
  /** Where redirects point: it must never see a request. */
  other: FaultServer;
  /** Nothing listens there. */
  closedPort: number;
}

export interface Scenario {
  id: string;
  routes?: (env: FaultEnv) => Routes;
  options?: (env: FaultEnv) => Partial<CloudpodsOptions>;
  run: (cp: Cloudpods) => Promise<unknown>;
  /** How often one POST may reach one path: 2 only for the single 401 replay. Default 1. */
  postsPerPath?: number;
}

export interface Outcome {
  ok: boolean;
  /** What run() resolved to (an openapi-fetch result for GET/POST). */
  value: unknown;
  /** What run() rejected with. */
  error: unknown;
  debug: string[];
}

/**
 * Short, so waiting past every scenario's timers costs little, yet far above a loopback exchange with the
 * fake server; the stall scenarios use STALL_TIMEOUT_MS.
 */
export const TIMEOUT_MS = 2_500;
export const STALL_TIMEOUT_MS = 250;
export const RETRIES = 2;
export const SERVER_BODY = { server: { name: "vm1", vcpu_count: 1, vmem_size: 1024 } };
export const SERVERS = { servers: [{ id: "s1", name: "vm1" }], total: 1 };

const list = (cp: Cloudpods) => cp.compute.GET("/servers");
const create = (cp: Cloudpods) => cp.compute.POST("/servers", { body: SERVER_BODY });
async function pages(cp: Cloudpods): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const s of cp.compute.paginate("/servers", { maxPages: 5 })) out.push(s);
  return out;
}

/** Echoes what the client sent into `details`, as servers that quote bad input do. */
const echoBody =
  (status: number, cls: string) =>
  (ctx: ReplyContext): void =>
    json(status, { class: cls, code: status, details: `rejected ${ctx.body.toString()}` })(ctx);
const echoToken =
  (status: number, cls: string) =>
  (ctx: ReplyContext): void =>
    json(status, { class: cls, code: status, details: `token ${String(ctx.req.headers["x-auth-token"])}` })(
      ctx,
    );

/** A chunked JSON 200 that does not parse, quoting the caller's token (openapi-fetch JSON.parses it itself). */
const brokenJson: Reply = ({ req, res }) => {
  res.writeHead(200, { "content-type": "application/json", "x-request-id": "req-broken" });
  res.write(`{"servers": [{"id": "s1", "echo": "${String(req.headers["x-auth-token"])}"`);
  res.end(", oops");
};

/** A redirect whose Location carries the caller's token in userinfo and query. */
const tokenRedirect =
  (other: string): Reply =>
  ({ req, res }) => {
    const t = String(req.headers["x-auth-token"]);
    const location = other.replace("//", `//u:${t}@`) + `/servers?auth_token=${t}#${t}`;
    res.writeHead(302, { location, "content-length": "0" }).end();
  };

/** A captive portal or proxy page: 200, text/html, chunked (no Content-Length), echoing the user. */
const portal: Reply = ({ res }) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "x-request-id": "req-portal" });
  res.write("<!DOCTYPE html><html><head><title>Sign in</title></head>");
  res.end("<body>Welcome, sysadmin. Accept the terms to continue.</body></html>");
};

/** An OpenStack-style error body, which Cloudpods itself never sends. */
const openstack404 = json(404, {
  error: { code: 404, title: "Not Found", message: "The resource could not be found." },
});

/** A failure with nothing in the body. */
const empty503: Reply = ({ res }) => void res.writeHead(503, { "content-length": "0" }).end();

const LOGIN = "POST /v3/auth/tokens";
const unavailable = cloudpodsError(503, "ServiceUnavailable", "region busy", "req-503");
const unauthorized = cloudpodsError(401, "InvalidCredentialError", "token expired", "req-401");
const stalled = () => ({ timeoutMs: STALL_TIMEOUT_MS });

export const SCENARIOS: readonly Scenario[] = [
  { id: "keystone-down", options: (e) => ({ authUrl: `http://127.0.0.1:${e.closedPort}/v3` }), run: list },
  {
    id: "login-500",
    routes: () => ({ [LOGIN]: cloudpodsError(500, "InternalServerError", "db gone", "req-login-500") }),
    run: list,
  },
  { id: "login-stall", routes: () => ({ [LOGIN]: stall }), options: stalled, run: list },
  { id: "login-401-echo", routes: () => ({ [LOGIN]: echoBody(401, "WrongPassword") }), run: list },
  {
    id: "get-503-then-200",
    routes: () => ({ "GET /servers": [unavailable, json(200, SERVERS)] }),
    run: list,
  },
  { id: "post-503", routes: () => ({ "POST /servers": [unavailable, json(200, {})] }), run: create },
  {
    id: "get-reset-once",
    routes: () => ({ "GET /servers": [resetMidBody(SERVERS), json(200, SERVERS)] }),
    run: list,
  },
  { id: "get-reset-always", routes: () => ({ "GET /servers": resetMidBody(SERVERS) }), run: list },
  { id: "post-reset", routes: () => ({ "POST /servers": resetMidBody(SERVER_BODY) }), run: create },
  { id: "get-stall", routes: () => ({ "GET /servers": stall }), options: stalled, run: list },
  {
    id: "catalog-not-array",
    routes: () => ({ [LOGIN]: login({ fixture: { extra: { catalog: "compute_v2 at region0" } } }) }),
    run: list,
  },
  {
    id: "catalog-endpoint-without-url",
    routes: () => ({
      [LOGIN]: login({
        fixture: {
          extra: {
            catalog: [{ type: "compute_v2", endpoints: [{ interface: "public", region_id: "region0" }] }],
          },
        },
      }),
    }),
    run: list,
  },
  { id: "no-subject-token", routes: () => ({ [LOGIN]: login({ subjectToken: false }) }), run: list },
  { id: "get-html-502", routes: () => ({ "GET /servers": html(502, "502 Bad Gateway") }), run: list },
  { id: "paginate-html-502", routes: () => ({ "GET /servers": html(502, "502 Bad Gateway") }), run: pages },
  { id: "get-openstack-404", routes: () => ({ "GET /servers": openstack404 }), run: list },
  { id: "get-empty-503", routes: () => ({ "GET /servers": empty503 }), run: list },
  { id: "get-html-200-chunked", routes: () => ({ "GET /servers": portal }), run: list },
  { id: "login-not-json", routes: () => ({ [LOGIN]: login({ body: "<html>welcome</html>" }) }), run: list },
  {
    id: "get-not-json",
    routes: () => ({ "GET /servers": text(200, "servers: s1", "text/plain") }),
    run: list,
  },
  {
    id: "post-401-then-200",
    routes: () => ({ "POST /servers": [unauthorized, json(200, { server: { id: "s1" } })] }),
    run: create,
    postsPerPath: 2,
  },
  { id: "post-401-always", routes: () => ({ "POST /servers": unauthorized }), run: create, postsPerPath: 2 },
  {
    id: "get-302",
    routes: (e) => ({ "GET /servers": redirect(302, `${e.other.origin}/servers`) }),
    run: list,
  },
  {
    id: "post-307",
    routes: (e) => ({ "POST /servers": redirect(307, `${e.other.origin}/servers`) }),
    run: create,
  },
  { id: "get-invalid-json-chunked", routes: () => ({ "GET /servers": brokenJson }), run: list },
  {
    id: "get-302-token-location",
    routes: (e) => ({ "GET /servers": tokenRedirect(e.other.origin) }),
    run: list,
  },
  {
    id: "get-403-echo-token",
    routes: () => ({ "GET /servers": echoToken(403, "ForbiddenError") }),
    run: list,
  },
  {
    id: "paginate-400-echo",
    routes: () => ({ "GET /servers": echoToken(400, "InputParameterError") }),
    run: pages,
  },
];

/** Runs one scenario with fresh routes and a fresh client; never rejects. */
export async function runScenario(
  sc: Scenario,
  env: FaultEnv,
  options: Partial<CloudpodsOptions> = {},
): Promise<Outcome> {
  env.server.script(sc.routes?.(env));
  env.other.script();
  const debug: string[] = [];
  const cp = createCloudpods({
    authUrl: env.server.authUrl,
    credentials: { username: "sysadmin", password: "fault-matrix-password", domain: "Default" },
    project: { name: "system", domain: "Default" },
    region: "region0",
    timeoutMs: TIMEOUT_MS,
    retry: { retries: RETRIES, baseMs: 1, maxMs: 5 },
    onDebug: (line) => debug.push(line),
    ...options,
    ...sc.options?.(env),
  });
  try {
    return { ok: true, value: await sc.run(cp), error: undefined, debug };
  } catch (error) {
    return { ok: false, value: undefined, error, debug };
  } finally {
    env.server.dropConnections();
    env.other.dropConnections();
    await cp.close();
  }
}
