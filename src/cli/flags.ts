// The flags of one operation, read from its query, header and path parameters and its JSON body schema.
// Cloudpods wraps bodies in the resource keyword (`{"server": {...}}`); when a body is such a wrapper the
// flags are the wrapped object's fields and the CLI adds the wrapper back.

import { deref, enumOf, flatten, typeOf, type Json } from "./schema.js";

export type FlagKind = "string" | "integer" | "number" | "boolean" | "array" | "json";

export interface FlagSpec {
  /** `--vcpu-count` without the dashes. */
  flag: string;
  /** The wire name: query key, header name or body field. */
  key: string;
  in: "query" | "header" | "body";
  /** A body field beside the wrapper (`count` in `{"server": {...}, "count": 2}`). */
  top?: boolean | undefined;
  kind: FlagKind;
  /** For arrays: the kind of one item (`--status a --status b`). */
  item?: FlagKind | undefined;
  choices?: string[] | undefined;
  description: string;
  required: boolean;
}

export interface PathParam {
  name: string;
  description: string;
}

export interface OperationShape {
  pathParams: PathParam[];
  flags: FlagSpec[];
  /** `server` for a `{"server": {...}}` body. */
  bodyWrapper?: string | undefined;
  hasBody: boolean;
  bodyRequired: boolean;
  /** The body is raw bytes (`application/octet-stream`): sent from `--file`. */
  upload: boolean;
  /** The 200 answer is raw bytes: written to `--save` (or a piped stdout). */
  download: boolean;
}

/** Options every command has; a spec field with the same flag is offered as `--<in>-<flag>` instead. */
export const RESERVED = new Set([
  "help",
  "output",
  "all",
  "debug",
  "wait",
  "wait-timeout",
  "body-json",
  "body-file",
  "file",
  "save",
  "rc",
  "insecure",
  "timeout",
  "token-cache",
  "no-token-cache",
  "os-auth-url",
  "os-username",
  "os-password",
  "os-domain-name",
  "os-project-id",
  "os-project-name",
  "os-project-domain",
  "os-region-name",
  "os-zone-name",
  "os-endpoint-type",
  "os-access-key",
  "os-secret-key",
  "os-auth-token",
]);

/** The resource keyword that wraps bodies: `servers` → `server`, `policies` → `policy`. */
export function keywordOf(path: string): string {
  const seg = path.split("/").find((s) => s !== "" && !s.startsWith("{")) ?? "";
  return seg.endsWith("ies") ? `${seg.slice(0, -3)}y` : seg.endsWith("s") ? seg.slice(0, -1) : seg;
}

export const flagName = (key: string): string =>
  key
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[_.\s]+/g, "-")
    .toLowerCase();

function kindOf(doc: Json, schema: unknown): FlagKind {
  const t = typeOf(doc, schema);
  if (t === "integer" || t === "number" || t === "boolean" || t === "string") return t;
  if (t === "array") return "array";
  return "json";
}

const oneLine = (s: unknown): string =>
  typeof s === "string" ? (s.split(/\n\s*\n/)[0] ?? "").replace(/\s+/g, " ").trim() : "";

function flagFor(
  doc: Json,
  key: string,
  where: FlagSpec["in"],
  schema: unknown,
  description: unknown,
  required: boolean,
): FlagSpec {
  const s = deref(doc, schema);
  const kind = kindOf(doc, s);
  let item: FlagKind | undefined;
  if (kind === "array") {
    item = kindOf(doc, s.items);
    // An array of objects is given as one JSON value, not item by item.
    if (item === "json" || item === "array")
      return flagFor(doc, key, where, { type: "object" }, description ?? s.description, required);
  }
  return {
    flag: flagName(key),
    key,
    in: where,
    kind,
    item,
    choices: enumOf(doc, s),
    description: oneLine(description ?? s.description),
    required,
  };
}

/** Reads the parameters (path-level and operation-level) and the JSON body of one operation. */
export function operationShape(doc: Json, path: string, pathItem: Json, op: Json): OperationShape {
  const byKey = new Map<string, Json>();
  for (const list of [pathItem.parameters, op.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const p = deref(doc, raw);
      if (typeof p.name === "string" && typeof p.in === "string") byKey.set(`${p.in}:${p.name}`, p);
    }
  }
  const pathParams: PathParam[] = [];
  const flags: FlagSpec[] = [];
  for (const p of byKey.values()) {
    const name = p.name as string;
    if (p.in === "path") pathParams.push({ name, description: oneLine(p.description) });
    else if (p.in === "query" || p.in === "header") {
      const f = flagFor(doc, name, p.in, p.schema, p.description, p.required === true);
      // Glance's `X-Image-Meta-Name` is `--name`, as in climc's image-upload.
      if (p.in === "header") f.flag = f.flag.replace(/^x-[a-z]+-meta-/, "").replace(/^x-/, "");
      flags.push(f);
    }
  }
  // Path order, not declaration order: `/projects/{project_id}/users/{user_id}` → PROJECT_ID USER_ID.
  pathParams.sort((a, b) => path.indexOf(`{${a.name}}`) - path.indexOf(`{${b.name}}`));

  const body = deref(doc, op.requestBody);
  const content = (body.content ?? {}) as Json;
  const media = deref(doc, content["application/json"]);
  const ok = deref(doc, (op.responses as Json | undefined)?.["200"]);
  const answers = Object.keys((ok.content ?? {}) as Json);
  const shape: OperationShape = {
    pathParams,
    flags,
    hasBody: media.schema !== undefined,
    bodyRequired: body.required === true,
    upload: content["application/octet-stream"] !== undefined,
    download: answers.length > 0 && !answers.some((t) => t.includes("json")),
  };
  if (media.schema === undefined) return shape;
  const outer = flatten(doc, media.schema);
  const keys = Object.keys(outer.properties);
  const keyword = keywordOf(path);
  const wrapper = keys.includes(keyword) ? keyword : keys.length === 1 ? keys[0] : undefined;
  const fields: [string, unknown, boolean, boolean][] = [];
  if (wrapper !== undefined && typeOf(doc, outer.properties[wrapper]) === "object") {
    shape.bodyWrapper = wrapper;
    const inner = flatten(doc, outer.properties[wrapper]);
    for (const [k, v] of Object.entries(inner.properties)) fields.push([k, v, inner.required.has(k), false]);
    for (const [k, v] of Object.entries(outer.properties))
      if (k !== wrapper) fields.push([k, v, false, true]);
  } else {
    for (const [k, v] of Object.entries(outer.properties)) fields.push([k, v, outer.required.has(k), false]);
  }
  const taken = new Set(flags.map((f) => f.flag));
  for (const [key, schema, required, top] of fields) {
    if (deref(doc, schema).readOnly === true) continue;
    const f = flagFor(doc, key, "body", schema, undefined, required);
    if (top) f.top = true;
    // A body field sharing a query flag's name (`--name` on both) keeps the query one; the body one is
    // `--body-name`.
    if (taken.has(f.flag) || RESERVED.has(f.flag)) f.flag = `body-${f.flag}`;
    taken.add(f.flag);
    flags.push(f);
  }
  for (const f of flags) if (RESERVED.has(f.flag)) f.flag = `${f.in}-${f.flag}`;
  return shape;
}
