// The change report of `npm run generate`: what changed between the document generated/ was built from and
// the one the specs give now, each change that can break a caller's code marked BREAKING. Operations are
// matched by method + path (then by operationId, to tell a moved operation from a new one); component
// schemas by name. Fingerprints (kept in generated/manifest.json) say what changed at all, so prose edits
// report nothing; the previous document says how.
import { fingerprints, operationKey, type Fingerprints } from "./changes/fingerprint.js";
import { describe, diffSchema, type Change, type Direction } from "./changes/schema-diff.js";
import { isObj, jsonRequestBody, listOperations, objectAt, type Obj, type OperationRef } from "./openapi.js";

export type { Change } from "./changes/schema-diff.js";
export { fingerprints, type Fingerprints } from "./changes/fingerprint.js";

export interface Previous {
  /** The bundled document generated/ holds (generated/<name>.openapi.json), if any. */
  doc?: Obj | undefined;
  /** The fingerprints the manifest recorded for it, if any (else computed from `doc`). */
  fingerprints?: Fingerprints | undefined;
}

export function compareDocuments(previous: Previous, doc: Obj): Change[] {
  const was = previous.fingerprints ?? (previous.doc ? fingerprints(previous.doc) : undefined);
  if (!was) return [];
  const now = fingerprints(doc);
  const before = previous.doc ?? { paths: {}, components: {} };
  const changes: Change[] = [];
  compareOperations(before, doc, was, now, previous.doc !== undefined, changes);
  compareSchemas(before, doc, was, now, previous.doc !== undefined, changes);
  return changes;
}

function compareOperations(
  before: Obj,
  after: Obj,
  was: Fingerprints,
  now: Fingerprints,
  detailed: boolean,
  out: Change[],
) {
  const oldOps = new Map(listOperations(before).map((o) => [operationKey(o.method, o.path), o]));
  const newOps = new Map(listOperations(after).map((o) => [operationKey(o.method, o.path), o]));
  const removed = Object.keys(was.operations).filter((k) => !(k in now.operations));
  const moved = new Set<string>();
  for (const key of Object.keys(now.operations)) {
    const op = newOps.get(key)!;
    if (key in was.operations) {
      if (was.operations[key] === now.operations[key]) continue;
      const old = oldOps.get(key);
      if (!old || !detailed)
        out.push({ breaking: true, where: key, what: "changed (no previous document to tell how)" });
      else compareOperation(before, old, after, op, out);
      continue;
    }
    const from = removed.find((k) => oldOps.get(k)?.operationId === op.operationId);
    if (from) {
      moved.add(from);
      out.push({ breaking: true, where: key, what: `operation ${op.operationId} moved from ${from}` });
      compareOperation(before, oldOps.get(from)!, after, op, out);
    } else {
      out.push({ breaking: false, where: key, what: `operation added (${op.operationId})` });
    }
  }
  for (const key of removed) {
    if (moved.has(key)) continue;
    const id = oldOps.get(key)?.operationId;
    out.push({ breaking: true, where: key, what: `operation removed${id ? ` (${id})` : ""}` });
  }
}

function compareOperation(bDoc: Obj, b: OperationRef, aDoc: Obj, a: OperationRef, out: Change[]) {
  const where = operationKey(a.method, a.path);
  const emit = (breaking: boolean, what: string) => out.push({ breaking, where, what });
  // The generated `operations` index is keyed by operationId: a rename changes a type name callers may use.
  if (b.operationId !== a.operationId) emit(true, `operationId renamed ${b.operationId} → ${a.operationId}`);
  const key = (p: OperationRef["parameters"][number]) =>
    `${p.in}:${p.in === "header" ? p.name.toLowerCase() : p.name}`;
  const oldParams = new Map(b.parameters.map((p) => [key(p), p]));
  const newParams = new Map(a.parameters.map((p) => [key(p), p]));
  for (const [k, p] of newParams) {
    const old = oldParams.get(k);
    const label = `${p.in} parameter \`${p.name}\``;
    if (!old) {
      emit(p.required, `${p.required ? "required" : "optional"} ${label} added`);
      continue;
    }
    if (old.required !== p.required)
      emit(p.required, `${label} made ${p.required ? "required" : "optional"}`);
    const place = { root: label, kind: `${label} field`, path: "" };
    diffSchema({ doc: bDoc, schema: old.schema }, { doc: aDoc, schema: p.schema }, place, "input", emit);
  }
  for (const [k, p] of oldParams)
    if (!newParams.has(k)) emit(true, `${p.in} parameter \`${p.name}\` removed`);

  const oldBody = jsonRequestBody(bDoc, b.operation);
  const newBody = jsonRequestBody(aDoc, a.operation);
  if (!oldBody && newBody)
    emit(newBody.required, `${newBody.required ? "required" : "optional"} request body added`);
  if (oldBody && !newBody) emit(true, "request body removed");
  if (oldBody && newBody) {
    if (oldBody.required !== newBody.required)
      emit(newBody.required, `request body made ${newBody.required ? "required" : "optional"}`);
    const place = { root: "request body", kind: "request body field", path: "" };
    diffSchema(
      { doc: bDoc, schema: oldBody.schema },
      { doc: aDoc, schema: newBody.schema },
      place,
      "input",
      emit,
    );
  }

  const oldResponses = successBodies(bDoc, b.operation);
  const newResponses = successBodies(aDoc, a.operation);
  for (const [status, schema] of newResponses) {
    if (!oldResponses.has(status)) {
      emit(true, `response ${status} added`);
      continue;
    }
    const place = { root: `response ${status}`, kind: `response ${status} field`, path: "" };
    diffSchema({ doc: bDoc, schema: oldResponses.get(status) }, { doc: aDoc, schema }, place, "output", emit);
  }
  for (const status of oldResponses.keys())
    if (!newResponses.has(status)) emit(true, `response ${status} removed`);
}

/** The JSON body schema of each 2xx response: what a caller's `data` is typed from. */
function successBodies(doc: Obj, operation: Obj): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const responses = isObj(operation.responses) ? operation.responses : {};
  for (const [status, raw] of Object.entries(responses)) {
    if (!/^2/.test(status)) continue;
    const content = objectAt(doc, raw).content;
    const media = isObj(content) ? Object.entries(content).find(([t]) => /json/.test(t))?.[1] : undefined;
    out.set(status, isObj(media) ? media.schema : undefined);
  }
  return out;
}

function compareSchemas(
  before: Obj,
  after: Obj,
  was: Fingerprints,
  now: Fingerprints,
  detailed: boolean,
  out: Change[],
) {
  const directions = schemaDirections(after);
  const oldSchemas = componentSchemas(before);
  const newSchemas = componentSchemas(after);
  for (const name of Object.keys(now.schemas)) {
    const where = `schema ${name}`;
    if (!(name in was.schemas)) {
      out.push({ breaking: false, where, what: "added" });
      continue;
    }
    if (was.schemas[name] === now.schemas[name]) continue;
    if (!detailed || !(name in oldSchemas)) {
      out.push({ breaking: true, where, what: "changed (no previous document to tell how)" });
      continue;
    }
    const emit = (breaking: boolean, what: string) => out.push({ breaking, where, what });
    const place = { root: "type", kind: "field", path: "" };
    const direction = directions.get(name) ?? "both";
    diffSchema(
      { doc: before, schema: oldSchemas[name] },
      { doc: after, schema: newSchemas[name] },
      place,
      direction,
      emit,
    );
  }
  // Each component schema is an exported type alias of generated/<name>.ts: removing one breaks its imports.
  for (const name of Object.keys(was.schemas)) {
    if (!(name in now.schemas)) out.push({ breaking: true, where: `schema ${name}`, what: "removed" });
  }
}

const componentSchemas = (doc: Obj): Obj =>
  isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : {};

/** Whether each component schema is written by callers (request bodies, parameters), read, or both. */
function schemaDirections(doc: Obj): Map<string, Direction> {
  const seen = new Map<string, Direction>();
  const visit = (node: unknown, direction: "input" | "output", depth = 0): void => {
    if (depth > 64) return;
    if (Array.isArray(node)) return node.forEach((n) => visit(n, direction, depth + 1));
    if (!isObj(node)) return;
    if (typeof node.$ref === "string" && node.$ref.startsWith("#/components/schemas/")) {
      const name = node.$ref.slice("#/components/schemas/".length);
      const had = seen.get(name);
      if (had === direction || had === "both") return;
      seen.set(name, had ? "both" : direction);
      return visit(componentSchemas(doc)[name], direction, depth + 1);
    }
    if (typeof node.$ref === "string") return visit(objectAt(doc, node), direction, depth + 1);
    for (const value of Object.values(node)) visit(value, direction, depth + 1);
  };
  for (const op of listOperations(doc)) {
    for (const p of op.parameters) visit(p.schema, "input");
    visit(op.operation.requestBody, "input");
    visit(op.operation.responses, "output");
  }
  return seen;
}

/** The report lines for one API. */
export function formatChanges(api: string, since: string, changes: readonly Change[]): string[] {
  if (changes.length === 0) return [`${api}: no API changes since ${since}`];
  const breaking = changes.filter((c) => c.breaking).length;
  const lines = [`${api}: ${changes.length} API change(s) since ${since}, ${breaking} BREAKING`];
  const sorted = [...changes].sort((x, y) => Number(y.breaking) - Number(x.breaking));
  for (const c of sorted) lines.push(`  ${c.breaking ? "BREAKING" : "        "}  ${c.where}: ${c.what}`);
  return lines;
}

export { describe as describeSchema };
