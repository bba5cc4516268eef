// One service's request pipeline: faults, the spec's operation for the path, the token check (403 on a
// resource call, as Cloudpods answers an anonymous caller), JSON decoding and validation, then the handler
// registered for the operationId, or 501 naming the operation when the sandbox has no state behind it.

import {
  SandboxHttpError,
  errorBody,
  handlerNotFound,
  inputError,
  notEnoughPrivilege,
  notImplemented,
} from "./errors.js";
import type { SandboxReply, SandboxRequest } from "./http.js";
import type { ApiTable, Json, Operation } from "./spec.js";
import type { Token } from "./identity/tokens.js";
import type { Validator } from "./validate.js";

export interface Ctx {
  req: SandboxRequest;
  op: Operation;
  params: Record<string, string>;
  /** The query, typed and coerced by the operation's parameter schemas. */
  query: Json;
  /** The decoded JSON body, when the request sent one. */
  body: Json | undefined;
  /** The caller's token; absent only on operations without security (the login). */
  token: Token;
}

/**
 * A handler the router runs before refusing a bad token (status 0 = carry on): the image service answers
 * 404 for an unknown image whatever the token.
 */
export const PRE_AUTH = "#preAuth";

export type OpHandler = (ctx: Ctx) => SandboxReply | Promise<SandboxReply>;

export interface RouterDeps {
  table: ApiTable;
  validator: Validator;
  handlers: ReadonlyMap<string, OpHandler>;
  /** The token for X-Auth-Token, or undefined when it is unknown, revoked, expired or unscoped. */
  checkToken(token: string | undefined): Token | undefined;
  now(): number;
}

export const json = (body: unknown, status = 200, headers?: Record<string, string>): SandboxReply =>
  headers ? { status, body, headers } : { status, body };

/** An empty answer that still says JSON, as Cloudpods' bodiless 200s (role grants) and HEAD 404s do. */
export const emptyJson = (status: number): SandboxReply => ({
  status,
  headers: { "content-type": status < 400 ? "application/json;charset=utf-8" : "application/json" },
  raw: Buffer.alloc(0),
});

export function errorReply(e: unknown, now: number): SandboxReply {
  const err =
    e instanceof SandboxHttpError
      ? e
      : new SandboxHttpError(500, "InternalServerError", `sandbox: ${(e as Error)?.message ?? String(e)}`);
  return { status: err.status, body: errorBody(err, now) };
}

/** Answers one request whose path is relative to the service's base (`/servers`, `/users`, `/images`). */
export async function route(deps: RouterDeps, req: SandboxRequest, path: string): Promise<SandboxReply> {
  try {
    const found = deps.table.find(req.method, path);
    if (typeof found === "string") throw handlerNotFound();
    const { op, params } = found;
    const token = op.needsToken ? deps.checkToken(req.headers["x-auth-token"]) : undefined;
    if (op.needsToken && !token) {
      const pre = deps.handlers.get(PRE_AUTH);
      const early = pre && (await pre({ req, op, params, query: {}, body: undefined, token: token! }));
      if (early?.status) return early;
      const resource = op.template.split("/")[1] ?? "";
      throw notEnoughPrivilege(deps.table.name, resource, op.method === "GET" ? "list" : "perform");
    }
    const query = deps.validator.query(op, req.query);
    let body: Json | undefined;
    const type = req.headers["content-type"] ?? "";
    if (req.body.length && type.startsWith("application/json")) {
      try {
        body = JSON.parse(req.body.toString("utf8")) as Json;
      } catch {
        throw inputError("fail to decode request body");
      }
    }
    if (op.bodyPointer && (body !== undefined || (op.bodyRequired && !octet(type))))
      deps.validator.body(op, body);
    const handler = deps.handlers.get(op.operationId);
    if (!handler) throw notImplemented(op.operationId);
    return await handler({ req, op, params, query, body, token: token! });
  } catch (e) {
    return errorReply(e, deps.now());
  }
}

const octet = (type: string): boolean => type.startsWith("application/octet-stream");
