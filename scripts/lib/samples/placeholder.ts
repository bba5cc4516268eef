// A value for a schema, for the code samples: the spec's own example when it has one (lint checks those
// against their schemas), else the smallest value the schema accepts, with `<field>` for free text so a
// reader sees what to replace.
import { isObj, objectAt, type Obj } from "../openapi.js";

const MAX_DEPTH = 12;

export function placeholder(doc: Obj, schema: unknown, name: string, depth = 0): unknown {
  const s = objectAt(doc, schema);
  if ("example" in s) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ("default" in s) return s.default;
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum)) {
    const value = s.enum.find((v) => v !== null);
    if (value !== undefined) return value;
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const branches = Array.isArray(s[key]) ? s[key] : [];
    const branch = branches.find((b) => objectAt(doc, b).type !== "null");
    // A choice is not a level of nesting: the depth bound is for recursive object schemas.
    if (branch !== undefined) return placeholder(doc, branch, name, depth);
  }
  const type = typeOf(doc, s);
  switch (type) {
    case "string":
      return `<${name}>`;
    case "integer":
    case "number":
      return typeof s.minimum === "number"
        ? s.minimum
        : typeof s.maximum === "number" && s.maximum < 1
          ? s.maximum
          : 1;
    case "boolean":
      return true;
    case "array":
      if (depth >= MAX_DEPTH) return [];
      // A tuple (`prefixItems`, e.g. keystone's `methods: ["password"]`) gets one value per position.
      if (Array.isArray(s.prefixItems) && s.prefixItems.length > 0)
        return s.prefixItems.map((item) => placeholder(doc, item, singular(name), depth + 1));
      return [placeholder(doc, s.items, singular(name), depth + 1)];
    case "object":
      return depth >= MAX_DEPTH ? {} : objectPlaceholder(doc, s, depth);
    default:
      return `<${name}>`;
  }
}

/**
 * The required properties; an object with none gets its `name` (or its first property), so a sample
 * body is never an unexplained `{}`.
 */
function objectPlaceholder(doc: Obj, s: Obj, depth: number): Obj {
  const { properties, required } = objectShape(doc, s);
  let keys = [...properties.keys()].filter((k) => required.has(k));
  if (keys.length === 0 && properties.size > 0)
    keys = [properties.has("name") ? "name" : [...properties.keys()][0]!];
  return Object.fromEntries(keys.map((k) => [k, placeholder(doc, properties.get(k), k, depth + 1)]));
}

/** Properties and required names of an object schema, with allOf branches merged. */
export function objectShape(
  doc: Obj,
  schema: unknown,
  depth = 0,
): { properties: Map<string, unknown>; required: Set<string> } {
  const properties = new Map<string, unknown>();
  const required = new Set<string>();
  const s = objectAt(doc, schema);
  if (depth > MAX_DEPTH) return { properties, required };
  for (const part of Array.isArray(s.allOf) ? s.allOf : []) {
    const inner = objectShape(doc, part, depth + 1);
    for (const [k, v] of inner.properties) properties.set(k, v);
    for (const k of inner.required) required.add(k);
  }
  if (isObj(s.properties)) for (const [k, v] of Object.entries(s.properties)) properties.set(k, v);
  if (Array.isArray(s.required)) for (const k of s.required) if (typeof k === "string") required.add(k);
  return { properties, required };
}

function typeOf(doc: Obj, s: Obj): string | undefined {
  if (typeof s.type === "string") return s.type;
  if (Array.isArray(s.type)) return s.type.find((t): t is string => typeof t === "string" && t !== "null");
  if (isObj(s.properties) || Array.isArray(s.allOf)) return "object";
  return s.items === undefined && s.prefixItems === undefined ? undefined : "array";
}

const singular = (name: string): string => (name.endsWith("s") && name.length > 1 ? name.slice(0, -1) : name);
