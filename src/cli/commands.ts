// The command table: one command per operation of every bundled OpenAPI document, named by commandName.
// Nothing here is written per operation; an operation added to a spec becomes a command on regeneration.

import { listApis, loadDocument } from "../openapi/documents.js";
import { commandName } from "./command-name.js";
import { operationShape, type OperationShape } from "./flags.js";
import { deref, flatten, type Json } from "./schema.js";

export interface CommandSpec {
  name: string;
  /** API name from the manifest (`compute`), and the catalog service type it is served under. */
  api: string;
  serviceType: string;
  method: string;
  path: string;
  operationId: string;
  summary: string;
  description: string;
  deprecated: boolean;
  /** Envelope key of a list operation (`servers`), which makes `--all` and paging apply. Read lazily. */
  readonly listKey: string | undefined;
  /** Flags and positional path parameters, read from the document on first use. */
  shape(): OperationShape;
}

const METHODS = ["get", "head", "put", "post", "delete", "patch"] as const;

/** The array property named after the path's last segment in a GET's 200 body: the list envelope key. */
function listKeyOf(doc: Json, path: string, op: Json): string | undefined {
  const last = path.slice(path.lastIndexOf("/") + 1);
  if (last.startsWith("{")) return undefined;
  const ok = deref(doc, (op.responses as Json | undefined)?.["200"]);
  const schema = deref(doc, (ok.content as Json | undefined)?.["application/json"]).schema;
  const prop = flatten(doc, schema).properties[last];
  return prop !== undefined && flatten(doc, prop).type === "array" ? last : undefined;
}

/** True when the document's security is a Keystone token in X-Auth-Token (not another product's API). */
function keystoneSecured(doc: Json): boolean {
  const schemes = ((doc.components as Json | undefined)?.securitySchemes ?? {}) as Record<string, Json>;
  const used = Array.isArray(doc.security) ? doc.security.flatMap((r) => Object.keys(r as Json)) : [];
  return used.some((k) => /^x-auth-token$/i.test(String(deref(doc, schemes[k]).name ?? "")));
}

export async function loadCommands(): Promise<CommandSpec[]> {
  // Only the APIs a Keystone login reaches: the KubeSphere gateway's own spec is not a Cloudpods service.
  const all = listApis();
  const loaded = await Promise.all(all.map((a) => loadDocument(a.name) as unknown as Json));
  const apis = all.filter((_, i) => keystoneSecured(loaded[i]!));
  const docs = loaded.filter((d) => keystoneSecured(d));
  const out: CommandSpec[] = [];
  const taken = new Set<string>();
  apis.forEach((api, i) => {
    const doc = docs[i] as Json;
    for (const [path, rawItem] of Object.entries((doc.paths ?? {}) as Json)) {
      const pathItem = deref(doc, rawItem);
      for (const method of METHODS) {
        const op = pathItem[method] as Json | undefined;
        if (op === undefined || typeof op.operationId !== "string") continue;
        const operationId = op.operationId;
        let name = commandName({ method, path, operationId });
        // Names are unique per service (a unit test checks); across services the later API is prefixed.
        if (taken.has(name)) name = `${api.name}-${name}`;
        taken.add(name);
        let shape: OperationShape | undefined;
        let listKey: [string | undefined] | undefined;
        out.push({
          name,
          api: api.name,
          serviceType: api.serviceType,
          method: method.toUpperCase(),
          path,
          operationId,
          summary: typeof op.summary === "string" ? op.summary : operationId,
          description: typeof op.description === "string" ? op.description : "",
          deprecated: op.deprecated === true,
          // Getters: start-up reads only names and summaries; one command's details are worked out when run.
          get listKey() {
            return (listKey ??= [method === "get" ? listKeyOf(doc, path, op) : undefined])[0];
          },
          shape: () => (shape ??= operationShape(doc, path, pathItem, op)),
        });
      }
    }
  });
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
