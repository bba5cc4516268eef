// Fingerprints of what a caller's code depends on: per operation (method + path) and per component schema,
// a hash of the shape with the prose taken out, so a description or example edit changes none of them.
// Component schema refs are kept as refs: a schema change shows in that schema's fingerprint only.
import { createHash } from "node:crypto";
import { isObj, listOperations, objectAt, type Obj } from "../openapi.js";

export interface Fingerprints {
  /** `GET /servers/{id}` → hash. */
  operations: Record<string, string>;
  /** Component schema name → hash. */
  schemas: Record<string, string>;
}

/** Keys that only document: changing them cannot break a caller's code. */
const PROSE = new Set([
  "description",
  "summary",
  "title",
  "example",
  "examples",
  "externalDocs",
  "x-codeSamples",
  "tags",
  "deprecated",
  "$comment",
]);

export const operationKey = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;

export function fingerprints(doc: Obj): Fingerprints {
  const operations: Record<string, string> = {};
  for (const op of listOperations(doc)) {
    operations[operationKey(op.method, op.path)] = hash(operationShape(doc, op.operation, op.parameters));
  }
  const components = isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : {};
  const schemas: Record<string, string> = {};
  for (const name of Object.keys(components).sort()) schemas[name] = hash(shape(doc, components[name]));
  return { operations, schemas };
}

/** What the fingerprint of one operation covers (parameters, request body and responses, refs resolved). */
export function operationShape(
  doc: Obj,
  operation: Obj,
  parameters: readonly { in: string; name: string; required: boolean; schema: unknown }[],
): unknown {
  return shape(doc, {
    operationId: operation.operationId,
    parameters: [...parameters]
      .map((p) => ({
        in: p.in,
        name: p.in === "header" ? p.name.toLowerCase() : p.name,
        required: p.required,
        schema: p.schema,
      }))
      .sort((a, b) => (`${a.in}:${a.name}` < `${b.in}:${b.name}` ? -1 : 1)),
    requestBody: operation.requestBody,
    responses: operation.responses,
  });
}

/**
 * The node without prose, with refs to anything but component schemas resolved, keys sorted. A property
 * named like a prose key (a `description` field) is kept: only keywords of schema objects are dropped.
 */
function shape(doc: Obj, node: unknown, inProperties = false, depth = 0): unknown {
  if (depth > 64) return null;
  if (Array.isArray(node)) return node.map((n) => shape(doc, n, false, depth + 1));
  if (!isObj(node)) return node;
  if (typeof node.$ref === "string") {
    if (node.$ref.startsWith("#/components/schemas/")) return { $ref: node.$ref };
    return shape(doc, objectAt(doc, node), false, depth + 1);
  }
  const out: Obj = {};
  for (const key of Object.keys(node).sort()) {
    if (!inProperties && PROSE.has(key)) continue;
    out[key] = shape(doc, node[key], key === "properties" && !inProperties, depth + 1);
  }
  return out;
}

const hash = (value: unknown): string =>
  createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
