// One API page: the spec bundled by the generator's own bundler (the document generated/<name>.openapi.json
// holds), code samples added, rendered by `redocly build-docs` with our template and made to load the
// shared local renderer.
import { createRequire } from "node:module";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleSpec } from "../bundle.js";
import { isObj, type Obj } from "../openapi.js";
import { SAMPLE_LANGUAGES, withCodeSamples } from "../samples/index.js";
import { CONTENT_SECURITY_POLICY, DocsError, makeOffline, type RendererAsset } from "./offline.js";
import { runNode } from "./run.js";

export interface DocsApi {
  /** Key in redocly.yaml `apis`, e.g. `compute@v2`. */
  alias: string;
  /** Name before the `@`, e.g. `compute`: names the page and the client property (`cp.compute`). */
  name: string;
  /** Version after the `@`, e.g. `v2` (empty when the key has none). */
  version: string;
  /** Catalog service type, e.g. `compute_v2`. */
  serviceType: string;
  /** Absolute path of the spec's root file. */
  root: string;
  /** Page file name inside the output folder, e.g. `compute.html`. */
  page: string;
}

export interface BuiltPage {
  api: DocsApi;
  /** The spec's info.title, shown on the index. */
  title: string;
  /** The spec's info.version. */
  specVersion: string;
  /** info.summary, else the first sentence of info.description. */
  summary: string;
  operations: number;
  bytes: number;
}

const TEMPLATE = fileURLToPath(new URL("../../docs-template.html", import.meta.url));
const REDOCLY_CLI = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")),
  "bin/cli.js",
);

export async function buildApiPage(
  api: DocsApi,
  configFile: string,
  outDir: string,
  asset: RendererAsset,
  scratch: string,
): Promise<BuiltPage> {
  const { document } = await bundleSpec(path.dirname(configFile), api.root);
  const input = path.join(scratch, `${api.name}.json`);
  await writeFile(input, JSON.stringify(await withCodeSamples(document, api.name)));
  const file = path.join(outDir, api.page);
  const args = [REDOCLY_CLI, "build-docs", input, "--config", configFile, "--output", file];
  args.push("--template", TEMPLATE, "--templateOptions.csp", CONTENT_SECURITY_POLICY);
  // Redoc options: without the language list Redoc 3 would drop every sample it has no built-in name for.
  args.push("--openapi", JSON.stringify({ codeSamples: { languages: SAMPLE_LANGUAGES } }));
  const { code, output } = await runNode(args);
  if (code !== 0) throw new DocsError(`redocly build-docs ${api.alias} failed (exit ${code}):\n${output}`);
  const html = makeOffline(await readFile(file, "utf8"), api.page, asset);
  await writeFile(file, html);
  return { api, ...describe(document), bytes: Buffer.byteLength(html) };
}

function describe(doc: Obj): Omit<BuiltPage, "api" | "bytes"> {
  const info = isObj(doc.info) ? doc.info : {};
  const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const firstSentence = text(info.description).split(/(?<=\.)\s/)[0] ?? "";
  const paths = isObj(doc.paths) ? Object.values(doc.paths) : [];
  const operations = paths.reduce<number>(
    (n, item) =>
      n + (isObj(item) ? Object.values(item).filter((op) => isObj(op) && "responses" in op).length : 0),
    0,
  );
  return {
    title: text(info.title),
    specVersion: text(info.version),
    summary: text(info.summary) || firstSentence,
    operations,
  };
}
