// A fake Alibaba Cloud API Gateway on 127.0.0.1 that VERIFIES each request's signature from the wire, with
// its own code (node:crypto, node:querystring, the raw request line), not src/gateways/aliyun-sign.ts: the
// signed-header set is read from X-Ca-Signature-Headers as the real gateway does, the timestamp window is
// 15 minutes and a nonce is accepted once. Failures answer the way the gateway does: X-Ca-Error-Message
// (with the server's StringToSign, `\n` → `#`), X-Ca-Error-Code and X-Ca-Request-Id.

import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseQuery } from "node:querystring";

export interface Received {
  method: string;
  /** The raw request target, as on the wire. */
  target: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The server-side StringToSign. */
  stringToSign: string;
  verified: boolean;
}

export interface ScriptedReply {
  status: number;
  /** Sent as X-Ca-Error-Code / X-Ca-Error-Message: a gateway-made answer. Absent: a backend answer. */
  code?: string;
  message?: string;
}

export interface FakeGateway {
  url: string;
  received: Received[];
  /** Answers for the next verified requests, in order (then 200). */
  script: ScriptedReply[];
  close(): Promise<void>;
}

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));

/** The StringToSign the gateway computes from what it received. */
export function serverStringToSign(
  method: string,
  target: string,
  headers: Record<string, string>,
  body: Buffer,
): string {
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  const params: Record<string, string> = {};
  const merge = (raw: string) => {
    for (const [k, v] of Object.entries(parseQuery(raw))) if (!(k in params)) params[k] = first(v);
  };
  if (q >= 0) merge(target.slice(q + 1));
  const type = headers["content-type"] ?? "";
  if (type.startsWith("application/x-www-form-urlencoded")) merge(body.toString("utf8"));
  const keys = Object.keys(params).sort();
  const resource = keys.length
    ? `${path}?${keys.map((k) => (params[k] === "" ? k : `${k}=${params[k]}`)).join("&")}`
    : path;
  const names = (headers["x-ca-signature-headers"] ?? "").split(",").filter((n) => n !== "");
  const block = names.map((n) => `${n}:${headers[n.toLowerCase()] ?? ""}\n`).join("");
  return [method, headers["accept"] ?? "", headers["content-md5"] ?? "", type, headers["date"] ?? ""]
    .map((line) => `${line}\n`)
    .join("")
    .concat(block, resource);
}

export function serverSignature(secret: string, method: string | undefined, text: string): string {
  const algo = method === "HmacSHA1" ? "sha1" : "sha256";
  return createHmac(algo, Buffer.from(secret, "utf8")).update(text, "utf8").digest("base64");
}

export async function startFakeGateway(opts: {
  keys: Record<string, string>;
  now?: () => number;
}): Promise<FakeGateway> {
  const received: Received[] = [];
  const script: ScriptedReply[] = [];
  const nonces = new Set<string>();
  let requests = 0;
  const now = opts.now ?? Date.now;

  const fail = (res: ServerResponse, status: number, code: string, message: string) => {
    res.writeHead(status, {
      "x-ca-error-message": message,
      "x-ca-error-code": code,
      "x-ca-request-id": `REQ-${requests}`,
      "content-type": "text/plain",
    });
    res.end("");
  };

  const handle = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    requests++;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = first(v);
    const method = req.method ?? "";
    const target = req.url ?? "/";
    const text = serverStringToSign(method, target, headers, body);
    const entry: Received = { method, target, headers, body, stringToSign: text, verified: false };
    received.push(entry);
    const secret = opts.keys[headers["x-ca-key"] ?? ""];
    if (secret === undefined) return fail(res, 400, "A400IK", "Invalid AppKey");
    const md5 = headers["content-md5"];
    if (md5 !== undefined && md5 !== createHash("md5").update(body).digest("base64"))
      return fail(res, 400, "A400IM", "Invalid Content-MD5");
    const sent = headers["x-ca-signature"] ?? "";
    if (serverSignature(secret, headers["x-ca-signature-method"], text) !== sent)
      return fail(res, 400, "A400IS", `Invalid Signature, Server StringToSign:${text.replaceAll("\n", "#")}`);
    const ts = Number(headers["x-ca-timestamp"]);
    if ("x-ca-timestamp" in headers && !(Math.abs(now() - ts) <= 15 * 60_000))
      return fail(res, 400, "A400IT", "Invalid Timestamp");
    const nonce = headers["x-ca-nonce"];
    if (nonce !== undefined) {
      if (nonces.has(nonce)) return fail(res, 400, "A400IN", "Nonce Used");
      nonces.add(nonce);
    }
    entry.verified = true;
    const next = script.shift();
    if (next?.code !== undefined) return fail(res, next.status, next.code, next.message ?? "");
    res.writeHead(next?.status ?? 200, {
      "content-type": "application/json",
      "x-ca-request-id": `REQ-${requests}`,
    });
    res.end(JSON.stringify({ ok: next === undefined, path: target }));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
