// Validates JSON values against the schemas of a bundled spec with Ajv (JSON Schema 2020-12, the dialect of
// OpenAPI 3.1). The bundled document is registered whole, so `#/components/...` refs resolve as in the spec.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadApis } from "../../scripts/lib/apis.js";
import { bundleSpec } from "../../scripts/lib/bundle.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

type Obj = Record<string, unknown>;

export interface SpecValidator {
  document: Obj;
  /** Validator for the schema at a JSON pointer inside the document. */
  at(pointer: string): ValidateFunction;
  /** Pointer of an operation's response media schema (`status` as written in the spec: "200", "4XX"). */
  response(operationId: string, status: string, media?: string): string;
  requestBody(operationId: string, media?: string): string;
}

const escape = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

/** `transform` may rewrite a copy of the bundled document before it is compiled (the strict test closes it). */
export async function loadValidator(
  apiName: string,
  transform: (document: Obj) => Obj = (d) => d,
): Promise<SpecValidator> {
  const api = (await loadApis(repoRoot)).find((a) => a.name === apiName || a.shortName === apiName);
  if (!api) throw new Error(`no API ${apiName} in redocly.yaml`);
  const document = transform((await bundleSpec(repoRoot, api.root)).document);
  // OpenAPI keywords that are not JSON Schema (discriminator, xml, externalDocs) are annotations here.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const id = `https://spec.invalid/${api.shortName}.json`;
  ajv.addSchema({ ...document, $id: id });
  const cache = new Map<string, ValidateFunction>();

  const opPointer = (operationId: string): string => {
    for (const [p, item] of Object.entries((document.paths ?? {}) as Obj)) {
      for (const [method, op] of Object.entries(item as Obj)) {
        if ((op as Obj)?.operationId === operationId) return `/paths/${escape(p)}/${method}`;
      }
    }
    throw new Error(`${apiName}: no operation ${operationId}`);
  };
  const get = (pointer: string): unknown =>
    pointer
      .split("/")
      .slice(1)
      .reduce<unknown>((acc, s) => (acc as Obj)?.[s.replace(/~1/g, "/").replace(/~0/g, "~")], document);
  // Responses can be $refs to components/responses; follow them so the pointer lands on a media schema.
  const deref = (pointer: string): string => {
    const node = get(pointer) as Obj | undefined;
    return typeof node?.$ref === "string" ? node.$ref.slice(1) : pointer;
  };

  return {
    document,
    at(pointer) {
      let v = cache.get(pointer);
      if (!v) {
        const fragment = pointer.split("/").map(encodeURIComponent).join("/");
        v = ajv.compile({ $ref: `${id}#${fragment}` });
        cache.set(pointer, v);
      }
      return v;
    },
    response(operationId, status, media = "application/json") {
      const r = deref(`${opPointer(operationId)}/responses/${status}`);
      return `${r}/content/${escape(media)}/schema`;
    },
    requestBody(operationId, media = "application/json") {
      const r = deref(`${opPointer(operationId)}/requestBody`);
      return `${r}/content/${escape(media)}/schema`;
    },
  };
}

export interface ExampleCase {
  where: string;
  schemaPointer: string;
  value: unknown;
}

function resolveLocal(document: Obj, node: unknown): unknown {
  const ref = (node as Obj | undefined)?.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return node;
  return ref
    .slice(2)
    .split("/")
    .reduce<unknown>((acc, s) => (acc as Obj)?.[s.replace(/~1/g, "/").replace(/~0/g, "~")], document);
}

/** Every media-type example in the spec (responses and request bodies), with the schema it must satisfy. */
export function collectExamples(document: Obj): ExampleCase[] {
  const out: ExampleCase[] = [];
  const visitMedia = (base: string, content: unknown) => {
    for (const [media, m] of Object.entries((content ?? {}) as Obj)) {
      const mo = m as Obj;
      const schemaPointer = `${base}/content/${escape(media)}/schema`;
      if ("example" in mo) out.push({ where: `${base} ${media} example`, schemaPointer, value: mo.example });
      for (const [name, ex] of Object.entries((mo.examples ?? {}) as Obj)) {
        const e = resolveLocal(document, ex) as Obj;
        if ("value" in e)
          out.push({ where: `${base} ${media} examples.${name}`, schemaPointer, value: e.value });
      }
    }
  };
  for (const [p, item] of Object.entries((document.paths ?? {}) as Obj)) {
    for (const [method, op] of Object.entries(item as Obj)) {
      const o = op as Obj;
      if (typeof o !== "object" || o === null || !("responses" in o)) continue;
      const base = `/paths/${escape(p)}/${method}`;
      const rb = o.requestBody as Obj | undefined;
      if (rb && !("$ref" in rb)) visitMedia(`${base}/requestBody`, rb.content);
      for (const [status, resp] of Object.entries((o.responses ?? {}) as Obj)) {
        const r = resp as Obj;
        if (!("$ref" in r)) visitMedia(`${base}/responses/${status}`, r.content);
      }
    }
  }
  const components = (document.components ?? {}) as Obj;
  for (const [name, resp] of Object.entries((components.responses ?? {}) as Obj)) {
    visitMedia(`/components/responses/${escape(name)}`, (resp as Obj).content);
  }
  return out;
}
