// One API through every step, in memory: bundle → analyze → openapi-typescript → ts-morph additions → format.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ApiEntry } from "./apis.js";
import { analyze, type SpecSummary } from "./analyze.js";
import { buildAdditions } from "./augment.js";
import { bundleSpec } from "./bundle.js";
import { formatOutput } from "./format.js";
import { sha256Files } from "./hash.js";
import { toTypeScript } from "./typescript.js";

export const GENERATOR = "scripts/generate.ts";

export interface GeneratedApi {
  api: ApiEntry;
  text: string;
  /** The bundled document, for run-time readers (the sandbox, the CLI). */
  document: Record<string, unknown>;
  specSha256: string;
  summary: SpecSummary;
  ms: number;
}

export async function generateApi(repoRoot: string, api: ApiEntry, strict = true): Promise<GeneratedApi> {
  const started = performance.now();
  const { document, files } = await bundleSpec(repoRoot, api.root, strict);
  const sources = await Promise.all(
    files.map(async (f) => ({ path: f, content: await readFile(path.join(repoRoot, f), "utf8") })),
  );
  const specSha256 = sha256Files(sources);
  const summary = analyze(document);
  const body = toTypeScript(document);
  const { head, tail } = buildAdditions(summary, {
    generator: GENERATOR,
    spec: api.root,
    specFiles: files.slice(1),
    specSha256,
  });
  const text = formatOutput([head, body, tail]);
  return { api, text, document, specSha256, summary, ms: performance.now() - started };
}
