// The operation table of every API in the manifest, built from our own bundled OpenAPI documents: what the
// sandbox routes is exactly what the specs declare, so an operation added to a spec exists here at once.

import { listApis, loadDocument } from "../openapi/documents.js";

export type Json = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required?: boolean;
  schema?: Json;
}

export interface Operation {
  api: string;
  operationId: string;
  method: string;
  /** The path template as written in the spec, e.g. `/servers/{id}/status`. */
  template: string;
  /** Pointer of the operation inside its document, for schema refs. */
  pointer: string;
  parameters: Parameter[];
  /** JSON pointer of the application/json request body schema, when the spec declares one. */
  bodyPointer: string | undefined;
  bodyRequired: boolean;
  /** False when the operation declares `security: []` (the login). */
  needsToken: boolean;
  match(path: string): Record<string, string> | undefined;
}

export interface ApiTable {
  name: string;
  serviceType: string;
  document: Json;
  operations: Operation[];
  /** The operation for a method and a service-relative path, or why there is none. */
  find(
    method: string,
    path: string,
  ): { op: Operation; params: Record<string, string> } | "no-path" | "no-method";
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];
const escape = (s: string): string => s.replace(/~/g, "~0").replace(/\//g, "~1");

function deref(document: Json, node: unknown): Json {
  let n = node as Json | undefined;
  for (let i = 0; i < 8 && typeof n?.$ref === "string"; i++) {
    n = (n.$ref as string)
      .slice(2)
      .split("/")
      .reduce<unknown>((a, s) => (a as Json)?.[s.replace(/~1/g, "/").replace(/~0/g, "~")], document) as Json;
  }
  return n ?? {};
}

function matcher(template: string): Operation["match"] {
  const names: string[] = [];
  const source = template
    .split("/")
    .map((seg) => {
      const m = /^\{(.+)\}$/.exec(seg);
      if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(m[1]!);
      return "([^/]+)";
    })
    .join("/");
  const re = new RegExp(`^${source}/?$`);
  return (path) => {
    const m = re.exec(path);
    if (!m) return undefined;
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
  };
}

function operationsOf(api: string, document: Json): Operation[] {
  const out: Operation[] = [];
  const docSecurity = document.security as unknown[] | undefined;
  for (const [template, rawItem] of Object.entries((document.paths ?? {}) as Json)) {
    const item = deref(document, rawItem);
    const shared = ((item.parameters ?? []) as unknown[]).map((p) => deref(document, p));
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const pointer = `/paths/${escape(template)}/${method}`;
      const own = ((op.parameters ?? []) as unknown[]).map((p) => deref(document, p));
      const byKey = new Map<string, Json>();
      for (const p of [...shared, ...own]) byKey.set(`${String(p.in)}:${String(p.name)}`, p);
      let bodyPointer: string | undefined;
      let bodyRequired = false;
      const rawBody = op.requestBody as Json | undefined;
      if (rawBody) {
        const body = deref(document, rawBody);
        bodyRequired = body.required === true;
        const base = typeof rawBody.$ref === "string" ? rawBody.$ref.slice(1) : `${pointer}/requestBody`;
        if ((body.content as Json | undefined)?.["application/json"])
          bodyPointer = `${base}/content/application~1json/schema`;
      }
      const security = (op.security ?? docSecurity) as unknown[] | undefined;
      out.push({
        api,
        operationId: String(op.operationId),
        method: method.toUpperCase(),
        template,
        pointer,
        parameters: [...byKey.values()] as unknown as Parameter[],
        bodyPointer,
        bodyRequired,
        needsToken: !(Array.isArray(security) && security.length === 0),
        match: matcher(template),
      });
    }
  }
  // Literal segments win over parameters (`/servers/{id}/status` before a hypothetical `/servers/{id}/{x}`).
  const literals = (t: string): number => t.split("/").filter((s) => s && !s.startsWith("{")).length;
  return out.sort((a, b) => literals(b.template) - literals(a.template));
}

export function loadApiTables(): ApiTable[] {
  const tables: ApiTable[] = [];
  for (const api of listApis()) {
    const document = loadDocument(api.name) as unknown as Json;
    const operations = operationsOf(api.name, document);
    tables.push({
      name: api.name,
      serviceType: api.serviceType,
      document,
      operations,
      find(method, path) {
        let pathMatched = false;
        for (const op of operations) {
          const params = op.match(path);
          if (!params) continue;
          pathMatched = true;
          // HEAD is served by GET where the spec has no HEAD of its own, as every HTTP server does.
          if (op.method === method) return { op, params };
        }
        if (method === "HEAD") {
          const get = operations.find((op) => op.method === "GET" && op.match(path));
          if (get) return { op: get, params: get.match(path)! };
        }
        return pathMatched ? "no-method" : "no-path";
      },
    });
  }
  return tables;
}
