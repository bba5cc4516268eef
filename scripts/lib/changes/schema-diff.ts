// Differences between two versions of a schema, each judged by whether it can break a caller: in a request
// (input) a caller writes values, so narrowing or a new required field breaks it; in a response (output) a
// caller reads values, so widening, a removed field or a field made optional breaks it.
import { isObj, objectAt, type Obj } from "../openapi.js";
import { objectShape } from "../samples/placeholder.js";

export type Direction = "input" | "output" | "both";

export interface Change {
  breaking: boolean;
  /** `GET /servers/{id}` or `schema ServerDetails`. */
  where: string;
  what: string;
}

export interface Side {
  doc: Obj;
  schema: unknown;
}

const MAX_DEPTH = 16;

/** Breaks a caller for this direction: `forInput` / `forOutput` say whether it would on each side. */
const breaks = (direction: Direction, forInput: boolean, forOutput: boolean): boolean =>
  direction === "input" ? forInput : direction === "output" ? forOutput : forInput || forOutput;

/**
 * Where a schema sits, for messages: `root` names the whole (`request body`, `query parameter \`limit\``,
 * `schema`), `kind` a field inside it (`request body field`), `path` the field (`server.name`).
 */
export interface Place {
  root: string;
  kind: string;
  path: string;
}

type Emit = (breaking: boolean, what: string) => void;

const subject = (p: Place): string => (p.path ? `${p.kind} \`${p.path}\`` : p.root);
const child = (p: Place, name: string): Place => ({
  ...p,
  path: p.path ? `${p.path}${name.startsWith("[") ? "" : "."}${name}` : name,
});

export function diffSchema(
  before: Side,
  after: Side,
  place: Place,
  direction: Direction,
  emit: Emit,
  depth = 0,
): void {
  if (depth > MAX_DEPTH) return;
  const bRef = componentRef(before.schema);
  const aRef = componentRef(after.schema);
  // A component is compared once, on its own; here only which component is used matters.
  if (bRef || aRef) {
    if (bRef !== aRef)
      emit(
        true,
        `${subject(place)} retyped ${describe(before.doc, before.schema)} → ${describe(after.doc, after.schema)}`,
      );
    return;
  }
  const b = objectAt(before.doc, before.schema);
  const a = objectAt(after.doc, after.schema);
  const relation = compareDomains(domain(b), domain(a));
  if (relation !== "same") {
    const verb = relation === "changed" ? "retyped" : relation;
    const breaking = breaks(direction, relation !== "widened", relation !== "narrowed");
    emit(breaking, `${subject(place)} ${verb} ${describe(before.doc, b)} → ${describe(after.doc, a)}`);
    if (relation === "changed") return;
  }
  diffProperties(before.doc, b, after.doc, a, place, direction, emit, depth);
  if (b.items !== undefined && a.items !== undefined) {
    const items = { doc: before.doc, schema: b.items };
    diffSchema(items, { doc: after.doc, schema: a.items }, child(place, "[]"), direction, emit, depth + 1);
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const bb = Array.isArray(b[key]) ? b[key] : [];
    const ab = Array.isArray(a[key]) ? a[key] : [];
    const sig = (doc: Obj, list: unknown[]) => list.map((x) => describe(doc, x)).join(" | ");
    if (sig(before.doc, bb) !== sig(after.doc, ab)) {
      // More choices widen the value, fewer narrow it.
      const wider = ab.length > bb.length;
      const what = `${subject(place)} choices ${sig(before.doc, bb) || "none"} → ${sig(after.doc, ab) || "none"}`;
      emit(breaks(direction, !wider, wider || ab.length === bb.length), what);
      continue;
    }
    bb.forEach((branch, i) =>
      diffSchema(
        { doc: before.doc, schema: branch },
        { doc: after.doc, schema: ab[i] },
        child(place, `(${key} ${i + 1})`),
        direction,
        emit,
        depth + 1,
      ),
    );
  }
}

function diffProperties(
  bDoc: Obj,
  b: Obj,
  aDoc: Obj,
  a: Obj,
  place: Place,
  direction: Direction,
  emit: Emit,
  depth: number,
): void {
  const before = objectShape(bDoc, b);
  const after = objectShape(aDoc, a);
  for (const name of after.properties.keys()) {
    if (before.properties.has(name)) continue;
    const required = after.required.has(name);
    emit(
      breaks(direction, required, false),
      `${required ? "required" : "optional"} ${subject(child(place, name))} added`,
    );
  }
  for (const name of before.properties.keys()) {
    if (!after.properties.has(name)) emit(true, `${subject(child(place, name))} removed`);
  }
  for (const [name, schema] of after.properties) {
    if (!before.properties.has(name)) continue;
    const at = child(place, name);
    const was = before.required.has(name);
    const is = after.required.has(name);
    if (was !== is) emit(breaks(direction, is, !is), `${subject(at)} made ${is ? "required" : "optional"}`);
    diffSchema(
      { doc: bDoc, schema: before.properties.get(name) },
      { doc: aDoc, schema },
      at,
      direction,
      emit,
      depth + 1,
    );
  }
}

/** The set of values a schema admits, as far as types and enums tell (formats and bounds are not types). */
interface Domain {
  /** Undefined: any type. */
  types?: Set<string>;
  /** Serialized values, when the schema lists them (enum / const). */
  values?: Set<string>;
}

function domain(s: Obj): Domain {
  const d: Domain = {};
  const types = Array.isArray(s.type) ? s.type : typeof s.type === "string" ? [s.type] : [];
  if (types.length > 0) d.types = new Set(types.filter((t): t is string => typeof t === "string"));
  else if (isObj(s.properties) || Array.isArray(s.allOf)) d.types = new Set(["object"]);
  if ("const" in s) d.values = new Set([JSON.stringify(s.const)]);
  else if (Array.isArray(s.enum)) d.values = new Set(s.enum.map((v) => JSON.stringify(v)));
  return d;
}

const typeOfValue = (json: string): string => {
  const v: unknown = JSON.parse(json);
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
};

const typeWithin = (t: string, types: Set<string>): boolean =>
  types.has(t) || (t === "integer" && types.has("number"));

/** Whether every value `inner` admits is admitted by `outer`. */
function within(inner: Domain, outer: Domain): boolean {
  if (outer.values) {
    if (!inner.values) return false;
    return [...inner.values].every((v) => outer.values!.has(v));
  }
  if (!outer.types) return true;
  if (inner.values) return [...inner.values].every((v) => typeWithin(typeOfValue(v), outer.types!));
  if (!inner.types) return false;
  return [...inner.types].every((t) => typeWithin(t, outer.types!));
}

function compareDomains(before: Domain, after: Domain): "same" | "narrowed" | "widened" | "changed" {
  const narrower = within(after, before);
  const wider = within(before, after);
  if (narrower && wider) return "same";
  if (narrower) return "narrowed";
  if (wider) return "widened";
  return "changed";
}

const componentRef = (node: unknown): string | undefined =>
  isObj(node) && typeof node.$ref === "string" && node.$ref.startsWith("#/components/schemas/")
    ? node.$ref.slice("#/components/schemas/".length)
    : undefined;

/** A short human form of a schema's type: `string`, `"a" | "b"`, `integer[]`, `ServerDetails`. */
export function describe(doc: Obj, node: unknown): string {
  const ref = componentRef(node);
  if (ref) return ref;
  const s = objectAt(doc, node);
  if ("const" in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const types = Array.isArray(s.type) ? s.type.join(" | ") : typeof s.type === "string" ? s.type : "";
  if (types === "array") return `${describe(doc, s.items)}[]`;
  if (types) return types;
  if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) return "union";
  return isObj(s.properties) || Array.isArray(s.allOf) ? "object" : "any";
}
