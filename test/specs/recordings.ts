// Real recorded exchanges against the specs, strictly: each recording is routed to its spec and operation,
// and its query, image meta headers, request body, status and response body are checked with undeclared
// properties as errors (the specs themselves stay open; `strictify` closes a copy for this check only).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseImageMeta } from "../../src/image.js";
import { repoRoot, type SpecValidator } from "./validator.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export interface Recording {
  /** `3.10/image-002-...json` */
  file: string;
  request: { method: string; path: string; query: string; headers: Record<string, string>; body?: unknown };
  response: { status: number; headers: Record<string, string>; body?: unknown };
}

const ROOT = path.join(repoRoot, "test/fixtures/cloudpods-real");

export function loadRecordings(): Recording[] {
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(path.join(ROOT, d.name))
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => {
          const r = JSON.parse(readFileSync(path.join(ROOT, d.name, f), "utf8")) as Recording;
          return { ...r, file: `${d.name}/${f}` };
        }),
    );
}

/**
 * The spec and spec-relative path of a recorded request path: `/v3/...` is identity, `/v1/...` image, the rest
 * compute; a gateway path `/api/s/<type>[/r/<region>[/z/<zone>]]/<rest>` forwards `<rest>` to that service
 * (which still carries the endpoint's own `/v3` or `/v1`).
 */
export function route(p: string): { api: string; path: string } | undefined {
  const gw = /^\/api\/s\/([^/]+)(?:\/r\/[^/]+(?:\/z\/[^/]+)?)?(\/.*)?$/.exec(p);
  const type = gw?.[1];
  const rest = gw ? (gw[2] ?? "") : p;
  if (type === "compute_v2" || type === "compute") return { api: "compute", path: rest };
  if ((!gw || type === "identity") && rest.startsWith("/v3/"))
    return { api: "identity", path: rest.slice(3) };
  if ((!gw || type === "image") && rest.startsWith("/v1/")) return { api: "image", path: rest.slice(3) };
  return gw ? undefined : { api: "compute", path: rest };
}

const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/** The operation of a method and concrete path: literal segments win over `{param}` ones. */
export function findOperation(doc: Obj, p: string, method: string): { pointer: string; op: Obj } | undefined {
  const m = method.toLowerCase();
  const hits = Object.entries(doc.paths as Obj)
    .filter(([t, item]) => {
      const re = new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`);
      return re.test(p) && isObj((item as Obj)[m]);
    })
    .sort(([a], [b]) => a.split("{").length - b.split("{").length);
  const hit = hits[0];
  return hit && { pointer: `/paths/${escape(hit[0])}/${m}`, op: (hit[1] as Obj)[m] as Obj };
}

/**
 * A copy of the document in which every schema at a value position (a media schema, a property, an array
 * item) that does not say otherwise has `unevaluatedProperties: false`. Schemas that are allOf/oneOf
 * branches and component definitions stay open, so compositions still see each other's properties.
 */
export function strictify(document: Obj): Obj {
  const doc = structuredClone(document);
  const close = (s: unknown): void => {
    if (!isObj(s)) return;
    if (!("additionalProperties" in s) && !("unevaluatedProperties" in s)) s.unevaluatedProperties = false;
    open(s);
  };
  const open = (s: unknown): void => {
    if (!isObj(s)) return;
    if (isObj(s.properties)) Object.values(s.properties).forEach(close);
    if (isObj(s.items)) close(s.items);
    if (Array.isArray(s.prefixItems)) s.prefixItems.forEach(close);
    if (isObj(s.additionalProperties)) close(s.additionalProperties);
    for (const k of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(s[k])) (s[k] as unknown[]).forEach(open);
  };
  const components = (doc.components ?? {}) as Obj;
  Object.values((components.schemas ?? {}) as Obj).forEach(open);
  const media = (content: unknown) =>
    Object.values((content ?? {}) as Obj).forEach((m) => close((m as Obj).schema));
  for (const item of Object.values(doc.paths as Obj))
    for (const op of Object.values(item as Obj)) {
      if (!isObj(op)) continue;
      media((op.requestBody as Obj | undefined)?.content);
      Object.values((op.responses ?? {}) as Obj).forEach((r) => media((r as Obj).content));
    }
  Object.values((components.responses ?? {}) as Obj).forEach((r) => media((r as Obj).content));
  Object.values((components.requestBodies ?? {}) as Obj).forEach((r) => media((r as Obj).content));
  // What a HEAD answer's x-image-meta-* headers must parse into, closed like the rest.
  if (isObj(components.schemas) && "ImageDetails" in components.schemas)
    components.schemas.StrictImageDetails = {
      $ref: "#/components/schemas/ImageDetails",
      unevaluatedProperties: false,
    };
  return doc;
}

/** Follows one local `$ref`, returning the target and its pointer. */
function deref(doc: Obj, node: unknown, pointer: string): { node: Obj; pointer: string } {
  const ref = isObj(node) ? node.$ref : undefined;
  if (typeof ref !== "string") return { node: node as Obj, pointer };
  const p = ref.slice(1);
  const target = p
    .split("/")
    .slice(1)
    .reduce<unknown>((a, s) => (a as Obj)?.[s.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
  return { node: target as Obj, pointer: p };
}

/** Query and header values are strings on the wire: typed as their schema says before validating. */
function coerce(doc: Obj, schema: unknown, values: string[]): unknown {
  const s = deref(doc, schema, "").node;
  const one = (v: string, t: unknown): unknown => {
    const type = deref(doc, t, "").node?.type;
    if ((type === "integer" || type === "number") && v.trim() !== "" && !Number.isNaN(Number(v)))
      return Number(v);
    if (type === "boolean" && (v === "true" || v === "false")) return v === "true";
    return v;
  };
  return s?.type === "array" ? values.map((v) => one(v, s.items)) : one(values[values.length - 1]!, s);
}

interface Param {
  name: string;
  in: string;
  pointer: string;
}

function parameters(doc: Obj, opPointer: string, op: Obj): Param[] {
  const itemPointer = opPointer.slice(0, opPointer.lastIndexOf("/"));
  const item = deref(doc, { $ref: `#${itemPointer}` }, "").node;
  const list = (owner: Obj, base: string) =>
    ((owner.parameters ?? []) as unknown[]).map((p, i) => {
      const r = deref(doc, p, `${base}/parameters/${i}`);
      return { name: String(r.node.name), in: String(r.node.in), pointer: `${r.pointer}/schema` };
    });
  return [...list(item, itemPointer), ...list(op, opPointer)];
}

const errorsOf = (spec: SpecValidator, pointer: string, value: unknown, what: string): string[] => {
  const v = spec.at(pointer);
  if (v(value)) return [];
  return (v.errors ?? []).map((e) => `${what}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
};

/** Every way a recording departs from its operation; empty when it conforms. */
export function checkRecording(spec: SpecValidator, rec: Recording, specPath: string): string[] {
  const doc = spec.document;
  const found = findOperation(doc, specPath, rec.request.method);
  if (!found) return [`no operation for ${rec.request.method} ${specPath}`];
  const { pointer, op } = found;
  const problems: string[] = [];
  const params = parameters(doc, pointer, op);

  const query = new URLSearchParams(rec.request.query);
  for (const key of new Set(query.keys())) {
    const p = params.find((x) => x.in === "query" && x.name === key);
    if (!p) problems.push(`query parameter ${key} is not declared`);
    else
      problems.push(
        ...errorsOf(
          spec,
          p.pointer,
          coerce(doc, deref(doc, { $ref: `#${p.pointer}` }, "").node, query.getAll(key)),
          `query ${key}`,
        ),
      );
  }
  for (const [name, value] of Object.entries(rec.request.headers)) {
    if (!/^x-(image-meta|glance)-/i.test(name) || /^x-image-meta-property-/i.test(name)) continue;
    const p = params.find((x) => x.in === "header" && x.name.toLowerCase() === name.toLowerCase());
    if (!p) problems.push(`header ${name} is not declared`);
    else
      problems.push(
        ...errorsOf(
          spec,
          p.pointer,
          coerce(doc, deref(doc, { $ref: `#${p.pointer}` }, "").node, [value]),
          `header ${name}`,
        ),
      );
  }

  const body = rec.request.body;
  if (body !== undefined && body !== null && body !== "") {
    const type = (rec.request.headers["content-type"] ?? "application/json").split(";")[0]!;
    const rb = deref(doc, op.requestBody, `${pointer}/requestBody`);
    const content = (rb.node?.content ?? {}) as Obj;
    if (!(type in content)) problems.push(`request media type ${type} is not declared`);
    else if (/json/.test(type))
      problems.push(...errorsOf(spec, `${rb.pointer}/content/${escape(type)}/schema`, body, "request"));
  }

  const { status, headers } = rec.response;
  const responses = (op.responses ?? {}) as Obj;
  const key = [String(status), `${String(status)[0]}XX`, "default"].find((k) => k in responses);
  if (!key) return [...problems, `status ${status} is not declared`];
  const res = deref(doc, responses[key], `${pointer}/responses/${key}`);
  const content = (res.node.content ?? {}) as Obj;
  const type = (headers["content-type"] ?? "").split(";")[0]!;
  const rbody = rec.response.body;
  if (rbody !== undefined && rbody !== null && rbody !== "") {
    if (!(type in content)) problems.push(`response media type ${type} of ${status} is not declared`);
    else if (/json/.test(type))
      problems.push(
        ...errorsOf(spec, `${res.pointer}/content/${escape(type)}/schema`, rbody, `response ${status}`),
      );
  }
  if (rec.request.method === "HEAD" && status === 200)
    problems.push(
      ...errorsOf(
        spec,
        "/components/schemas/StrictImageDetails",
        parseImageMeta(new Headers(headers)),
        "HEAD",
      ),
    );
  return problems;
}
