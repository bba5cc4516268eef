// Step 2: read what the runtime needs out of the bundled document: the operation index, the list
// operations with their envelope keys (for paginate), and the counts the summary prints.
import { METHODS, isObj, resolveRef, type Obj } from "./openapi.js";

/** Keys of the list envelope that are metadata, not the item array (pkg/mcclient/modulebase/base.go). */
const META_KEYS = new Set([
  "total",
  "limit",
  "offset",
  "totals",
  "next_marker",
  "marker_field",
  "marker_order",
]);

export interface OperationEntry {
  operationId: string;
  method: string;
  path: string;
}

export interface ListOperation {
  path: string;
  /** The array property of the envelope, e.g. `servers` or `role_assignments`. */
  key: string;
}

export interface SpecSummary {
  paths: number;
  operations: OperationEntry[];
  lists: ListOperation[];
  schemaNames: string[];
}

export function analyze(doc: Obj): SpecSummary {
  const paths = isObj(doc.paths) ? doc.paths : {};
  const operations: OperationEntry[] = [];
  const lists: ListOperation[] = [];
  for (const [p, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObj(op) || typeof op.operationId !== "string") continue;
      operations.push({ operationId: op.operationId, method, path: p });
      if (method === "get") {
        const key = envelopeKey(doc, op);
        if (key) lists.push({ path: p, key });
      }
    }
  }
  const components = isObj(doc.components) ? doc.components : {};
  const schemas = isObj(components.schemas) ? components.schemas : {};
  return { paths: Object.keys(paths).length, operations, lists, schemaNames: Object.keys(schemas) };
}

/** Properties of an object schema, with allOf branches merged. */
function properties(doc: Obj, schema: unknown, depth = 0): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const s = resolveRef(doc, schema);
  if (!isObj(s) || depth > 8) return out;
  if (Array.isArray(s.allOf))
    for (const part of s.allOf) for (const [k, v] of properties(doc, part, depth + 1)) out.set(k, v);
  if (isObj(s.properties)) for (const [k, v] of Object.entries(s.properties)) out.set(k, v);
  return out;
}

/**
 * A GET is a list when its 200 JSON body is an envelope: paging metadata (`total`/`limit`/`offset`)
 * beside exactly one array property, which holds the items.
 */
function envelopeKey(doc: Obj, op: Obj): string | undefined {
  const responses = isObj(op.responses) ? op.responses : {};
  const ok = resolveRef(doc, responses["200"]);
  const content = isObj(ok) && isObj(ok.content) ? ok.content : {};
  const media = content["application/json"];
  if (!isObj(media)) return undefined;
  const props = properties(doc, media.schema);
  if (![...props.keys()].some((k) => META_KEYS.has(k))) return undefined;
  const arrays = [...props].filter(([k, v]) => {
    const s = resolveRef(doc, v);
    return !META_KEYS.has(k) && isObj(s) && s.type === "array";
  });
  return arrays.length === 1 ? arrays[0]![0] : undefined;
}
