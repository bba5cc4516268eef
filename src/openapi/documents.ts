// The bundled OpenAPI documents that `npm run generate` writes beside the generated types, for run-time
// readers that need more than types (the sandbox routes and validates with them, the CLI builds its commands
// from them). Node only: read with fs relative to this module, so the same code works from src/ under tsx
// and from the built dist/ (the build copies generated/*.json beside the compiled files).
import { readFileSync } from "node:fs";
import { invalidConfig } from "../errors.js";

const GENERATED = new URL("../../generated/", import.meta.url);

export interface ApiDocumentEntry {
  /** Short name, e.g. `compute` (the generated file's stem). */
  name: string;
  /** The redocly.yaml key, e.g. `compute@v2`. */
  api: string;
  /** Catalog service type, e.g. `compute_v2`. */
  serviceType: string;
}

/** The OpenAPI 3.1 subset the readers use; everything else is passed through untyped. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

interface Manifest {
  outputs: Record<string, { api: string; serviceType: string; document: string }>;
}

let manifest: Manifest | undefined;
const documents = new Map<string, OpenApiDocument>();

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, GENERATED), "utf8")) as T;
}

/** Every generated API, in manifest order. */
export function listApis(): ApiDocumentEntry[] {
  manifest ??= readJson<Manifest>("manifest.json");
  return Object.entries(manifest.outputs).map(([output, e]) => ({
    name: output.replace(/^generated\//, "").replace(/\.ts$/, ""),
    api: e.api,
    serviceType: e.serviceType,
  }));
}

/** The bundled document of one API by short name (`compute`) or service type (`compute_v2`); cached. */
export function loadDocument(name: string): OpenApiDocument {
  const entry = listApis().find((a) => a.name === name || a.serviceType === name);
  if (!entry) {
    throw invalidConfig(
      `unknown API "${name}" (known: ${listApis()
        .map((a) => a.name)
        .join(", ")})`,
    );
  }
  let doc = documents.get(entry.name);
  if (!doc) {
    doc = readJson<OpenApiDocument>(`${entry.name}.openapi.json`);
    documents.set(entry.name, doc);
  }
  return doc;
}
