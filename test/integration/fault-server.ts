// A scriptable fake Cloudpods on 127.0.0.1 for the fault-matrix and secret-scan suites: Keystone login whose
// catalog points compute_v2 back here, a few compute routes, every request recorded, and per-route,
// per-call overrides that inject one fault each (a status, a reset mid-body, a stall, a redirect, ...).
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { service, tokenFixture, type TokenFixtureOptions } from "../fixtures/token.js";

export interface RecordedRequest {
  method: string;
  /** Without the query string. */
  path: string;
  body: Buffer;
  headers: IncomingHttpHeaders;
}

export interface ReplyContext {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  /** 0 for the first request to this route since the last script(). */
  call: number;
  server: FaultServer;
}

export type Reply = (ctx: ReplyContext) => void;

/** `"METHOD /path"` → one reply for every call, or one per call number (the last one repeats). */
export type Routes = Record<string, Reply | readonly Reply[]>;

export interface FaultServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** `<origin>/v3` */
  readonly authUrl: string;
  /** Since the last script(). */
  readonly requests: readonly RecordedRequest[];
  /** Every token this server ever issued (never cleared: the secret scan checks them all). */
  readonly issued: readonly string[];
  /** Extra `token` fields of every login answer, e.g. the `access_key` echo of an AK/SK login. */
  tokenExtra: Record<string, unknown>;
  /** Replaces the overrides (defaults apply elsewhere) and clears the request log. */
  script(routes?: Routes): void;
  count(method: string, path: string): number;
  /** The next token: 64 hex chars like current Cloudpods, distinct per server and call. */
  issue(): string;
  /** Destroys every open socket (stalled exchanges included). */
  dropConnections(): void;
  close(): Promise<void>;
}

const headersOf = (type: string, length: number, extra: Record<string, string>): Record<string, string> => ({
  "content-type": type,
  "content-length": String(length),
  ...extra,
});

export const text =
  (status: number, body: string, type: string, headers: Record<string, string> = {}): Reply =>
  ({ res }) => {
    res.writeHead(status, headersOf(type, Buffer.byteLength(body), headers)).end(body);
  };

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  text(status, JSON.stringify(body), "application/json", headers);

/** A flat Cloudpods error body. */
export const cloudpodsError = (status: number, cls: string, details: string, requestId?: string): Reply =>
  json(status, { class: cls, code: status, details }, requestId ? { "x-request-id": requestId } : {});

/** An nginx-style error page. */
export const html = (status: number, title: string): Reply =>
  text(
    status,
    `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1><hr>nginx</body></html>`,
    "text/html",
  );

/** Accepts and never answers; the socket dies with dropConnections(). */
export const stall: Reply = () => {};

/** Headers and half of a JSON body with its full Content-Length, then the socket is destroyed. */
export const resetMidBody =
  (body: unknown): Reply =>
  ({ req, res }) => {
    const bytes = Buffer.from(JSON.stringify(body));
    res.writeHead(200, headersOf("application/json", bytes.length, {}));
    res.write(bytes.subarray(0, bytes.length >> 1), () => req.socket.destroy());
  };

export const redirect =
  (status: number, location: string): Reply =>
  ({ res }) => {
    res.writeHead(status, { location, "content-length": "0" }).end();
  };

export interface LoginReplyOptions {
  fixture?: TokenFixtureOptions;
  /** false: no X-Subject-Token header. */
  subjectToken?: boolean;
  /** Replaces the JSON body. */
  body?: string;
}

/** A 200 login issuing a fresh token; the catalog's compute_v2 (public, region0) is this server. */
export const login =
  (o: LoginReplyOptions = {}): Reply =>
  ({ res, server }) => {
    const token = server.issue();
    const t = tokenFixture({
      token,
      // Issued now: the fixture's fixed date may lie in the past and make every call log in again.
      issuedAt: Date.now(),
      catalog: [service("compute_v2", { public: server.origin })],
      ...o.fixture,
      extra: { ...server.tokenExtra, ...o.fixture?.extra },
    });
    const headers: Record<string, string> = { ...t.headers };
    if (o.subjectToken === false) delete headers["X-Subject-Token"];
    const body = o.body ?? t.text;
    headers["Content-Length"] = String(Buffer.byteLength(body));
    res.writeHead(200, headers).end(body);
  };

const DEFAULTS: Routes = {
  "POST /v3/auth/tokens": login(),
  "GET /servers": json(200, { servers: [{ id: "s1", name: "vm1" }], total: 1 }),
  "POST /servers": json(200, { server: { id: "s1", name: "vm1" } }),
};

const NOT_FOUND = cloudpodsError(404, "NotFoundError", "no such route on the fault server");

export async function startFaultServer(): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const requests: RecordedRequest[] = [];
  const issued: string[] = [];
  let routes: Routes = {};
  const http = createServer({ noDelay: true }, (req, res) => {
    const chunks: Buffer[] = [];
    // A client that gives up (timeout, abort) must not become an uncaught 'error' in the test process.
    req.on("error", () => {});
    res.on("error", () => {});
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const key = `${req.method ?? "GET"} ${path}`;
      const call = requests.filter((r) => `${r.method} ${r.path}` === key).length;
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? "GET", path, body, headers: req.headers });
      const chosen = routes[key] ?? DEFAULTS[key] ?? NOT_FOUND;
      const reply =
        typeof chosen === "function" ? chosen : (chosen[Math.min(call, chosen.length - 1)] ?? NOT_FOUND);
      reply({ req, res, body, call, server });
    });
  });
  http.on("connection", (s: Socket) => {
    s.setNoDelay(true);
    s.on("error", () => {});
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const server: FaultServer = {
    origin,
    authUrl: `${origin}/v3`,
    requests,
    issued,
    tokenExtra: {},
    script(next = {}) {
      routes = next;
      requests.length = 0;
    },
    count: (method, path) => requests.filter((r) => r.method === method && r.path === path).length,
    issue() {
      const token = createHash("sha256").update(`fault-token ${origin} ${issued.length}`).digest("hex");
      issued.push(token);
      return token;
    },
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    async close() {
      server.dropConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return server;
}

/** A port nothing listens on: bound, read, released (connection refused from then on). */
export async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
