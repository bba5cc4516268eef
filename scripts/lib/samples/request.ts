// What every sample of one operation sends, decided once so the TypeScript, CLI and curl lines agree.
import { jsonRequestBody, type Obj, type OperationRef } from "../openapi.js";
import { objectShape, placeholder } from "./placeholder.js";

export interface SampleRequest {
  method: string;
  path: string;
  operationId: string;
  pathParams: [name: string, value: unknown][];
  /** The required query parameters, plus `limit` where there is one (lists), to show how paging is asked. */
  query: [name: string, value: unknown][];
  /** Required header parameters (`X-Subject-Token`); the token header itself is the security scheme's. */
  headers: [name: string, value: unknown][];
  /** Undefined when the operation takes no JSON body. */
  body?: unknown;
}

/** A page size a reader would choose (the schema's minimum, 0, would mean "the server default"). */
const PAGE_SIZE = 20;

export function sampleRequest(doc: Obj, op: OperationRef): SampleRequest {
  const value = (p: OperationRef["parameters"][number]) =>
    p.example !== undefined ? p.example : p.name === "limit" ? PAGE_SIZE : placeholder(doc, p.schema, p.name);
  const pathParams = op.parameters
    .filter((p) => p.in === "path")
    .map((p): [string, unknown] => [p.name, value(p)]);
  const query = op.parameters
    .filter((p) => p.in === "query" && (p.required || p.name === "limit"))
    .map((p): [string, unknown] => [p.name, value(p)]);
  const headers = op.parameters
    .filter((p) => p.in === "header" && p.required && p.name.toLowerCase() !== "x-auth-token")
    .map((p): [string, unknown] => [p.name, value(p)]);
  const request: SampleRequest = {
    method: op.method,
    path: op.path,
    operationId: op.operationId,
    pathParams,
    query,
    headers,
  };
  const body = jsonRequestBody(doc, op.operation);
  if (body) request.body = placeholder(doc, body.schema, "body");
  return request;
}

/**
 * The fields a caller fills in: Cloudpods wraps a body in its resource keyword (`{"server": {...}}`), so a
 * body with a single object member is unwrapped; flags name the inner fields.
 */
export function bodyFields(body: unknown): [name: string, value: unknown][] {
  if (!isPlainObject(body)) return [];
  const entries = Object.entries(body);
  if (entries.length === 1 && isPlainObject(entries[0]![1])) return Object.entries(entries[0]![1]);
  return entries;
}

export function isPlainObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `{id}` in the path replaced by the sample's values (as written, for display). */
export function fillPath(request: SampleRequest, encode: (v: string) => string): string {
  return request.path.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const found = request.pathParams.find(([n]) => n === name);
    return found ? encode(String(found[1])) : whole;
  });
}

export { objectShape };
