// A fake KubeSphere gateway on 127.0.0.1 that follows the recorded rules of each version (gateways.md §1):
// - "2.1": POST /kapis/iam.kubesphere.io/v1alpha2/login (JSON) → {access_token} only; a sliding idle timeout
//   reset by every valid call; no /oauth/token (404).
// - "3.1": POST /oauth/token, form, password and refresh_token grants, no client credentials needed.
// - "3.3" and "4": client_id/client_secret required. 3.3: missing or wrong → 401 invalid_client. 4: unknown
//   client → 400 invalid_client, wrong secret → 401 unauthorized_client; `Cache-Control: no-store`.
// - every OAuth version: bad password → 400 invalid_grant "Invalid username or password."; bad or expired
//   refresh token → 400 invalid_grant "The refresh token is invalid or expired."; other grant types → 400
//   unsupported_grant_type. Refresh tokens live maxAge + inactivity (here 2 × ttl).
// - `multipleLogin: false` revokes every token of the user on each grant (v4 issueTokenTo).
// - API: GET [/clusters/{c}]/api/v1/componentstatuses; a missing, bad, expired or revoked bearer → 401.

import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type KsVersion = "2.1" | "3.1" | "3.3" | "4";

export interface KsFakeOptions {
  version: KsVersion;
  users?: Record<string, string>;
  /** Access token lifetime in seconds (expires_in); 0 = no expiry. Default 7200. */
  ttlSeconds?: number;
  /** 2.1 only: the idle timeout in ms. Default 30 min. */
  idleMs?: number;
  multipleLogin?: boolean;
  now: () => number;
}

export interface KsFake {
  url: string;
  /** Every grant in order: "password", "refresh_token", "login" (2.1), with the status answered. */
  grants: { type: string; status: number; clientId: string | undefined }[];
  /** Every API call: path and the Authorization header. */
  calls: { path: string; authorization: string | undefined; status: number }[];
  /** Server-side revocation of every token (a password change, a logout elsewhere). */
  revokeAll(): void;
  close(): Promise<void>;
}

interface Tok {
  user: string;
  expiresAt: number;
  lastUsed: number;
  refresh: boolean;
}

export async function startKubeSphere(o: KsFakeOptions): Promise<KsFake> {
  const users = o.users ?? { admin: "P@88w0rd" };
  const ttl = (o.ttlSeconds ?? 7200) * 1000;
  const tokens = new Map<string, Tok>();
  const grants: KsFake["grants"] = [];
  const calls: KsFake["calls"] = [];
  const oauth = o.version !== "2.1";

  const json = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...extra });
    res.end(JSON.stringify(body));
  };
  const oauthError = (res: ServerResponse, status: number, error: string, description: string) =>
    json(res, status, { error, error_description: description });

  const issue = (user: string) => {
    if (o.multipleLogin === false) for (const [k, t] of tokens) if (t.user === user) tokens.delete(k);
    const access = randomBytes(24).toString("base64url");
    const refresh = randomBytes(24).toString("base64url");
    const now = o.now();
    tokens.set(access, { user, expiresAt: ttl ? now + ttl : Infinity, lastUsed: now, refresh: false });
    if (oauth)
      tokens.set(refresh, { user, expiresAt: ttl ? now + 2 * ttl : Infinity, lastUsed: now, refresh: true });
    return { access, refresh };
  };

  const token = (res: ServerResponse, form: URLSearchParams) => {
    const type = form.get("grant_type") ?? "";
    const clientId = form.get("client_id") ?? undefined;
    const record = (status: number) => grants.push({ type, status, clientId });
    if (o.version === "3.3" && (clientId !== "kubesphere" || form.get("client_secret") !== "kubesphere"))
      return (record(401), oauthError(res, 401, "invalid_client", "client authentication failed"));
    if (o.version === "4") {
      if (clientId !== "kubesphere")
        return (record(400), oauthError(res, 400, "invalid_client", "unknown client"));
      if (form.get("client_secret") !== "kubesphere")
        return (record(401), oauthError(res, 401, "unauthorized_client", "invalid client secret"));
    }
    let user: string;
    if (type === "password") {
      const name = form.get("username") ?? "";
      if (users[name] === undefined || users[name] !== form.get("password"))
        return (record(400), oauthError(res, 400, "invalid_grant", "Invalid username or password."));
      user = name;
    } else if (type === "refresh_token") {
      const t = tokens.get(form.get("refresh_token") ?? "");
      if (!t?.refresh || t.expiresAt <= o.now())
        return (
          record(400),
          oauthError(res, 400, "invalid_grant", "The refresh token is invalid or expired.")
        );
      user = t.user;
    } else return (record(400), oauthError(res, 400, "unsupported_grant_type", `grant type ${type}`));
    record(200);
    const { access, refresh } = issue(user);
    json(
      res,
      200,
      { access_token: access, token_type: "Bearer", refresh_token: refresh, expires_in: ttl / 1000 },
      o.version === "4" ? { "cache-control": "no-store", pragma: "no-cache" } : {},
    );
  };

  const login21 = (res: ServerResponse, body: string) => {
    let b: { username?: string; password?: string } = {};
    try {
      b = JSON.parse(body) as typeof b;
    } catch {
      // a bad body is a bad login
    }
    const ok = b.username !== undefined && users[b.username] === b.password;
    grants.push({ type: "login", status: ok ? 200 : 401, clientId: undefined });
    if (!ok) return json(res, 401, { code: 401, message: "incorrect username or password" });
    json(res, 200, { access_token: issue(b.username!).access });
  };

  const api = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const authorization = req.headers.authorization;
    const m = /^bearer (.+)$/i.exec(authorization ?? "");
    const t = m ? tokens.get(m[1]!) : undefined;
    const now = o.now();
    const live =
      t !== undefined &&
      !t.refresh &&
      (o.version === "2.1" ? now - t.lastUsed <= (o.idleMs ?? 30 * 60_000) : now < t.expiresAt);
    calls.push({ path, authorization, status: live ? 200 : 401 });
    if (!live) return json(res, 401, { message: "token is invalid or expired" });
    t.lastUsed = now; // 2.1: every valid call slides the idle timeout
    json(res, 200, {
      kind: "ComponentStatusList",
      apiVersion: "v1",
      items: [{ metadata: { name: "etcd-0" } }],
    });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = (req.url ?? "/").split("?")[0]!;
      if (req.method === "POST" && path === "/oauth/token" && oauth)
        return token(res, new URLSearchParams(body));
      if (req.method === "POST" && path === "/kapis/iam.kubesphere.io/v1alpha2/login" && !oauth)
        return login21(res, body);
      if (req.method === "GET" && /^(\/clusters\/[^/]+)?\/api\/v1\/componentstatuses$/.test(path))
        return api(req, res, path);
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("404 page not found");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    grants,
    calls,
    revokeAll: () => tokens.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
