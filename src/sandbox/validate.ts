// Request validation against the operation's own schemas (Ajv, JSON Schema 2020-12 = OpenAPI 3.1): query
// parameters (coerced from strings, as Cloudpods' jsonutils reads them) and the JSON body. A failure is the
// 400 InputParameterError Cloudpods sends for bad input.

import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { inputError } from "./errors.js";
import type { ApiTable, Json, Operation } from "./spec.js";

export interface Validator {
  /** The query as an object of typed values (arrays for repeated keys); throws InputParameterError. */
  query(op: Operation, query: URLSearchParams): Json;
  body(op: Operation, body: unknown): void;
}

const describe = (errors: ErrorObject[] | null | undefined, what: string): string => {
  const e = errors?.[0];
  if (!e) return `invalid ${what}`;
  const where = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
  if (e.keyword === "required")
    return `${where ? where + "." : ""}${String(e.params.missingProperty)}: missing input field`;
  return `${where || what}: ${e.message ?? "invalid"}`;
};

export function createValidator(tables: ApiTable[]): Validator {
  // OpenAPI annotations (discriminator, xml, example) are not JSON Schema keywords: not strict. Formats are
  // not checked: Cloudpods itself accepts any string where our specs say `format: uuid` or `date-time`.
  const ajv = new Ajv2020({ strict: false, validateFormats: false, coerceTypes: "array", logger: false });
  for (const t of tables) ajv.addSchema({ ...t.document, $id: `sandbox:${t.name}` });
  const cache = new Map<string, ValidateFunction>();
  const at = (api: string, pointer: string): ValidateFunction => {
    const key = `${api}#${pointer}`;
    let v = cache.get(key);
    if (!v) {
      v = ajv.compile({ $ref: `sandbox:${api}#${pointer.split("/").map(encodeURIComponent).join("/")}` });
      cache.set(key, v);
    }
    return v;
  };
  const querySchemas = new Map<Operation, ValidateFunction>();

  return {
    query(op, query) {
      const value: Json = {};
      for (const key of new Set(query.keys())) {
        const all = query.getAll(key);
        value[key] = all.length === 1 ? all[0] : all;
      }
      let v = querySchemas.get(op);
      if (!v) {
        const properties: Json = {};
        const required: string[] = [];
        for (const p of op.parameters) {
          if (p.in !== "query") continue;
          // A presence flag (`enum: [true]`) is how the spec steers callers; the server takes any value.
          if (p.schema)
            properties[p.name] = p.schema.type === "boolean" ? { ...p.schema, enum: undefined } : p.schema;
          if (p.required) required.push(p.name);
        }
        // The parameter schemas may hold `#/components/...` refs: compile them inside their document.
        const id = `sandbox:${op.api}:${op.operationId}:query`;
        ajv.addSchema({ $id: id, type: "object", properties: rebase(properties, op.api), required }, id);
        v = ajv.getSchema(id)!;
        querySchemas.set(op, v);
      }
      if (!v(value)) throw inputError(describe(v.errors, "query"));
      return value;
    },
    body(op, body) {
      if (!op.bodyPointer) return;
      const v = at(op.api, op.bodyPointer);
      if (!v(body)) throw inputError(describe(v.errors, "body"));
    },
  };
}

/** Local refs (`#/components/...`) rewritten to point into their document, for a schema built outside it. */
function rebase(node: unknown, api: string): Json {
  return JSON.parse(
    JSON.stringify(node, (k, v: unknown) =>
      k === "$ref" && typeof v === "string" && v.startsWith("#") ? `sandbox:${api}${v}` : v,
    ),
  ) as Json;
}
