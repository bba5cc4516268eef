// `npm run docs`: builds the published docs into docs-dist/ — one Redoc page per API in the redocly.yaml
// `apis` map (e.g. compute.html, with TypeScript, CLI and curl samples), the renderer they share
// (assets/), the SDK reference (sdk/) and index.html — that work with no network at all.
//
//   tsx scripts/docs.ts [--out <dir>] [--config <redocly.yaml>] [--api <name>]... [--no-sdk]
//
// Without --out, docs-dist/ is emptied first so pages of removed APIs do not linger; a given --out
// folder is only written to, never emptied.
import path from "node:path";
import { parseArgs } from "node:util";
import { GeneratorError } from "./lib/apis.js";
import { buildDocs } from "./lib/docs.js";

const DEFAULT_OUT = "docs-dist";

const { values } = parseArgs({
  options: {
    out: { type: "string" },
    config: { type: "string", default: "redocly.yaml" },
    api: { type: "string", multiple: true, default: [] },
    "no-sdk": { type: "boolean", default: false },
  },
});

try {
  const started = performance.now();
  const outDir = values.out ?? DEFAULT_OUT;
  const { pages, asset, sdk } = await buildDocs(values.config, outDir, {
    names: values.api,
    clean: values.out === undefined,
    sdk: !values["no-sdk"],
  });
  const kib = (bytes: number) => `${Math.ceil(bytes / 1024)} KiB`;
  console.log(`docs: shared renderer -> ${path.join(outDir, asset.file)} (${kib(asset.bytes)})`);
  for (const { api, title, bytes, operations } of pages) {
    const file = path.join(outDir, api.page);
    console.log(`docs: ${api.alias} (${title}, ${operations} operations) -> ${file} (${kib(bytes)})`);
  }
  if (sdk) console.log(`docs: SDK reference -> ${path.join(outDir, "sdk/index.html")}`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`docs: ${path.join(outDir, "index.html")} lists ${pages.length} API(s), built in ${seconds} s`);
} catch (error) {
  if (!(error instanceof GeneratorError)) throw error;
  console.error(`docs: ${error.message}`);
  process.exitCode = 1;
}
