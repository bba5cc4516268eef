// Reading a bundled OpenAPI document (internal `#/components/...` refs only): what the docs samples and the
// change report both need, so they walk operations and parameters the same way.

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** Follows `$ref`s inside the document; an external or dangling ref resolves to undefined. */
export function resolveRef(doc: Obj, node: unknown): unknown {
  let current = node;
  for (let depth = 0; isObj(current) && typeof current.$ref === "string" && depth < 32; depth++) {
    const ref = current.$ref;
    if (!ref.startsWith("#/")) return undefined;
    current = ref
      .slice(2)
      .split("/")
      .reduce<unknown>(
        (acc, part) => (isObj(acc) ? acc[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined),
        doc,
      );
  }
  return current;
}

/** The object a node resolves to, or an empty object. */
export const objectAt = (doc: Obj, node: unknown): Obj => {
  const resolved = resolveRef(doc, node);
  return isObj(resolved) ? resolved : {};
};

export interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: unknown;
  description?: string | undefined;
  /** The parameter's own `example` (or its first `examples` value), which the samples prefer. */
  example?: unknown;
}

export interface OperationRef {
  path: string;
  method: string;
  operationId: string;
  operation: Obj;
  /** Path-item and operation parameters merged (the operation's win), header parameters included. */
  parameters: Parameter[];
}

export function listOperations(doc: Obj): OperationRef[] {
  const out: OperationRef[] = [];
  for (const [path, rawItem] of Object.entries(isObj(doc.paths) ? doc.paths : {})) {
    const item = objectAt(doc, rawItem);
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObj(operation) || typeof operation.operationId !== "string") continue;
      const merged = new Map<string, Parameter>();
      for (const raw of [...asArray(item.parameters), ...asArray(operation.parameters)]) {
        const p = objectAt(doc, raw);
        if (typeof p.name !== "string" || typeof p.in !== "string") continue;
        merged.set(`${p.in}:${p.name}`, {
          name: p.name,
          in: p.in,
          required: p.required === true || p.in === "path",
          schema: p.schema,
          description: typeof p.description === "string" ? p.description : undefined,
          example: "example" in p ? p.example : firstExample(doc, p.examples),
        });
      }
      out.push({
        path,
        method,
        operationId: operation.operationId,
        operation,
        parameters: [...merged.values()],
      });
    }
  }
  return out;
}

/** The JSON request body schema of an operation and whether the body is required. */
export function jsonRequestBody(
  doc: Obj,
  operation: Obj,
): { schema: unknown; required: boolean } | undefined {
  const body = objectAt(doc, operation.requestBody);
  const content = isObj(body.content) ? body.content : {};
  const media = Object.entries(content).find(([type]) => /^application\/(?:[\w.+-]+\+)?json\b/.test(type));
  if (!media || !isObj(media[1])) return undefined;
  return { schema: media[1].schema, required: body.required === true };
}

function firstExample(doc: Obj, examples: unknown): unknown {
  const first = isObj(examples) ? Object.values(examples)[0] : undefined;
  return first === undefined ? undefined : objectAt(doc, first).value;
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
