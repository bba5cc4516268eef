// The benchmark's stand-in for Cloudpods, run in its own process (bench/server.ts forks it) so its CPU is not
// charged to the client's event loop. Keystone login plus one compute list, nothing else:
//   POST /v3/auth/tokens  → a token whose catalog points compute_v2 (public, region0) back at this server
//   GET  /servers         → a fixed ~1 KB list envelope, 401 unless X-Auth-Token is a token issued here
// Control over IPC: `clock` shifts the server's idea of "now" (token issued_at/expires_at) so a client with an
// injected clock sees its token expire; `logins` reports the login count.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { service, tokenFixture } from "../test/fixtures/token.js";
import { serversBody, type ControlReply, type ControlRequest } from "./server.js";

const lifetimeMs = Number(process.env.BENCH_TOKEN_LIFETIME_MS ?? 3_600_000);
const PASSWORD = process.env.BENCH_PASSWORD ?? "bench-password";

let clockOffsetMs = 0;
let logins = 0;
const issued = new Set<string>();

const SERVERS = Buffer.from(serversBody());
const UNAUTHORIZED = Buffer.from(
  JSON.stringify({ class: "InvalidCredentialError", code: 401, details: "invalid token" }),
);

function send(res: ServerResponse, status: number, body: Buffer, headers: Record<string, string> = {}) {
  // One writeHead + end: headers and body leave in one write, and TCP_NODELAY sends it at once.
  res.writeHead(status, {
    "Content-Type": "application/json;charset=utf-8",
    "Content-Length": String(body.length),
    ...headers,
  });
  res.end(body);
}

function login(req: IncomingMessage, res: ServerResponse, base: string): void {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    let password: unknown;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        auth?: { identity?: { password?: { user?: { password?: unknown } } } };
      };
      password = body.auth?.identity?.password?.user?.password;
    } catch {
      // answered below like any other bad login
    }
    if (password !== PASSWORD) return send(res, 401, UNAUTHORIZED);
    logins++;
    const now = Date.now() + clockOffsetMs;
    const t = tokenFixture({
      token: randomBytes(32).toString("hex"),
      issuedAt: now,
      expiresAt: now + lifetimeMs,
      catalog: [service("compute_v2", { public: base, internal: base })],
    });
    issued.add(t.token);
    send(res, t.status, Buffer.from(t.text), t.headers);
  });
}

const http = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
  const path = req.url ?? "/";
  if (req.method === "GET" && (path === "/servers" || path.startsWith("/servers?"))) {
    const token = req.headers["x-auth-token"];
    const valid = typeof token === "string" && issued.has(token);
    return valid ? send(res, 200, SERVERS) : send(res, 401, UNAUTHORIZED);
  }
  if (req.method === "POST" && path === "/v3/auth/tokens") return login(req, res, baseUrl());
  req.resume();
  send(res, 404, Buffer.from(JSON.stringify({ class: "NotFoundError", code: 404, details: path })));
});
// Belt and braces for trap 8 (delayed ACK): noDelay covers it in Node ≥ 18, this covers any other socket.
http.on("connection", (socket) => socket.setNoDelay(true));
// Longer than any pause between benchmark phases, so an idle pooled socket is never closed under a client.
http.keepAliveTimeout = 120_000;
http.headersTimeout = 125_000;

const baseUrl = (): string => `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

process.on("message", (m: ControlRequest) => {
  if (m.type === "clock") clockOffsetMs = m.offsetMs;
  const reply: ControlReply = { id: m.id, logins };
  process.send?.(reply);
});
// The parent's IPC channel closing means it is gone: do not outlive it.
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));

http.listen(0, "127.0.0.1", () => process.send?.({ ready: (http.address() as AddressInfo).port }));
