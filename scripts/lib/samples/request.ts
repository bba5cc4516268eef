// What every sample of one operation sends, decided once so the TypeScript, CLI and curl lines agree.
import { isObj, objectAt, requestBody, type Obj, type OperationRef } from "../openapi.js";
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
  /** A failed answer's declared JSON body: Cloudpods' flat `{class, details}`, another shape, or none. */
  errorBody: "flat" | "other" | "none";
  /** The auth header or option curl sends, from the operation's security; undefined for none. */
  auth?: string | undefined;
  /** Undefined when the operation takes no JSON or form body. */
  body?: unknown;
  /** The body is an HTML form (`application/x-www-form-urlencoded`), not JSON. */
  form?: boolean;
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
    errorBody: hasErrorBody(doc, op.operation),
    auth: curlAuth(doc, op.operation),
  };
  const body = requestBody(doc, op.operation);
  if (body) request.body = placeholder(doc, body.schema, "body");
  if (body?.form) request.form = true;
  return request;
}

function hasErrorBody(doc: Obj, operation: Obj): SampleRequest["errorBody"] {
  const responses = isObj(operation.responses) ? operation.responses : {};
  const schemas = Object.entries(responses).flatMap(([status, raw]) => {
    const content = /^[23]/.test(status) ? undefined : objectAt(doc, raw).content;
    return isObj(content)
      ? Object.entries(content).flatMap(([t, m]) => (/json/.test(t) && isObj(m) ? [m.schema] : []))
      : [];
  });
  if (schemas.length === 0) return "none";
  const flat = schemas.every((schema) => {
    const { properties } = objectShape(doc, schema);
    return properties.has("class") && properties.has("details");
  });
  return flat ? "flat" : "other";
}

/**
 * How curl authenticates, from the first security requirement (the operation's, else the document's):
 * a header API key gets `$OS_AUTH_TOKEN` (climc's variable), bearer auth `$TOKEN`; `security: []` none.
 */
function curlAuth(doc: Obj, operation: Obj): string | undefined {
  const requirements = Array.isArray(operation.security) ? operation.security : doc.security;
  const first =
    Array.isArray(requirements) && isObj(requirements[0]) ? Object.keys(requirements[0])[0] : undefined;
  if (!first) return undefined;
  const schemes =
    isObj(doc.components) && isObj(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const scheme = objectAt(doc, schemes[first]);
  if (scheme.type === "apiKey" && scheme.in === "header" && typeof scheme.name === "string")
    return `-H "${scheme.name}: $OS_AUTH_TOKEN"`;
  if (scheme.type === "http" && String(scheme.scheme).toLowerCase() === "bearer")
    return `-H "Authorization: Bearer $TOKEN"`;
  if (scheme.type === "http" && String(scheme.scheme).toLowerCase() === "basic")
    return `-u "$USERNAME:$PASSWORD"`;
  return undefined;
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
