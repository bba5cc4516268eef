// Just enough JSON Schema for flags: follow internal `#/components/...` refs, merge allOf, and offer oneOf /
// anyOf branches' properties as optional fields. Documents are the bundled OpenAPI 3.1 ones (internal refs).

export type Json = Record<string, unknown>;

export interface FlatSchema {
  type: string | undefined;
  properties: Record<string, Json>;
  required: Set<string>;
  description: string | undefined;
}

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Follows `$ref` chains inside `doc` (bounded: a ref cycle cannot hang the bin). */
export function deref(doc: Json, node: unknown): Json {
  let n: unknown = node;
  for (let hops = 0; isObj(n) && typeof n.$ref === "string" && hops < 32; hops++) {
    const ref = n.$ref;
    if (!ref.startsWith("#/")) return {};
    n = ref
      .slice(2)
      .split("/")
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>((at, key) => (isObj(at) ? at[key] : undefined), doc);
  }
  return isObj(n) ? n : {};
}

/** The primary type of a schema: `["string","integer"]` → "string", `["integer","null"]` → "integer". */
export function typeOf(doc: Json, node: unknown): string | undefined {
  const s = deref(doc, node);
  const t = s.type;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) {
    const named = t.filter((x): x is string => typeof x === "string" && x !== "null");
    return named.includes("string") ? "string" : named[0];
  }
  if (isObj(s.properties)) return "object";
  for (const k of ["allOf", "oneOf", "anyOf"]) {
    const parts = s[k];
    if (Array.isArray(parts)) for (const p of parts) if (typeOf(doc, p) !== undefined) return typeOf(doc, p);
  }
  return undefined;
}

/** Properties of an object schema with allOf merged (required kept) and oneOf/anyOf fields optional. */
export function flatten(doc: Json, node: unknown, depth = 0): FlatSchema {
  const s = deref(doc, node);
  const out: FlatSchema = {
    type: typeOf(doc, s),
    properties: {},
    required: new Set(Array.isArray(s.required) ? s.required.filter((x) => typeof x === "string") : []),
    description: typeof s.description === "string" ? s.description : undefined,
  };
  if (depth > 8) return out;
  const merge = (part: unknown, keepRequired: boolean) => {
    const f = flatten(doc, part, depth + 1);
    for (const [k, v] of Object.entries(f.properties)) out.properties[k] ??= v;
    if (keepRequired) for (const r of f.required) out.required.add(r);
    out.description ??= f.description;
  };
  if (Array.isArray(s.allOf)) for (const p of s.allOf) merge(p, true);
  for (const k of ["oneOf", "anyOf"]) {
    const parts = s[k];
    if (Array.isArray(parts)) for (const p of parts) merge(p, false);
  }
  if (isObj(s.properties)) {
    for (const [k, v] of Object.entries(s.properties)) if (isObj(v)) out.properties[k] = v;
  }
  return out;
}

/** `enum` (or a `const`) of a schema or of its array items, as strings. */
export function enumOf(doc: Json, node: unknown): string[] | undefined {
  const s = deref(doc, node);
  if (Array.isArray(s.enum)) return s.enum.filter((x) => x !== null).map(String);
  if (s.const !== undefined && s.const !== null) return [String(s.const)];
  if (s.items !== undefined) return enumOf(doc, s.items);
  return undefined;
}
