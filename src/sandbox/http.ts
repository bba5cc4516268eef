// The HTTP side: one node:http listener per catalog endpoint (and one for the gateway), all on 127.0.0.1,
// each handing whole requests to a handler. Tracks its sockets so close() releases every one of them.

import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface SandboxRequest {
  method: string;
  /** Path as received, without the query. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** Set by the gateway on the request it forwards: the id of its own hop. */
  gatewayRequestId?: string;
}

export interface SandboxReply {
  status: number;
  headers?: Record<string, string>;
  /** A JSON value; `raw` wins when both are set. */
  body?: unknown;
  raw?: Buffer;
  /** Destroy the connection instead of answering (fault injection). */
  reset?: boolean;
}

export type Handler = (req: SandboxRequest) => Promise<SandboxReply>;

const MAX_BODY = 256 * 1024 * 1024;

export const requestId = (): string => randomBytes(3).toString("hex");

export class Listener {
  private readonly sockets = new Set<Socket>();
  readonly server: Server;

  constructor(handler: Handler) {
    this.server = createServer((req, res) => void this.serve(handler, req, res));
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  private async serve(handler: Handler, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: SandboxReply;
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? "/", "http://sandbox.invalid");
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      }
      reply = await handler({
        method: (req.method ?? "GET").toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        headers,
        body,
      });
    } catch {
      // Only a body too large or a broken connection gets here; handlers answer their own errors.
      req.socket.destroy();
      return;
    }
    if (reply.reset) {
      req.socket.destroy();
      return;
    }
    write(res, reply, req.method === "HEAD");
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error("body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function write(res: ServerResponse, reply: SandboxReply, head: boolean): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { server: "Yunion AppServer/Go/2018.4", ...reply.headers };
  let payload: Buffer | undefined = reply.raw;
  if (payload === undefined && reply.body !== undefined) {
    // Keys sorted at every level, as Cloudpods' jsonutils writes them.
    payload = Buffer.from(JSON.stringify(sortKeys(reply.body)));
    // The recordings: 2xx JSON has a charset, error bodies do not.
    headers["content-type"] ??= reply.status < 400 ? "application/json;charset=utf-8" : "application/json";
  }
  if (payload) headers["content-length"] = String(payload.length);
  res.writeHead(reply.status, headers);
  res.end(head ? undefined : payload);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}
