// npm run generate [-- --check] [api ...]
// Regenerates generated/<api>.ts and generated/manifest.json from the specs listed in redocly.yaml,
// then the API docs. --check regenerates in memory only and exits 1 naming every stale or unknown file.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GeneratorError, documentPath, loadApis, selectApis } from "./lib/apis.js";
import { reportChanges } from "./lib/change-report.js";
import { findDrift, outputFiles, readManifest, writeOutputs } from "./lib/outputs.js";
import { buildDocs } from "./lib/docs.js";
import { generateApi, type GeneratedApi } from "./lib/pipeline.js";

export interface GenerateOptions {
  root: string;
  log?: (line: string) => void;
  error?: (line: string) => void;
  /** Called after a successful write (the CLI builds the docs here). */
  afterWrite?: () => Promise<void>;
}

/** Returns the exit code: 0 done, 1 drift found by --check, 2 bad input (nothing written). */
export async function generate(argv: string[], opts: GenerateOptions): Promise<number> {
  const { root, log = console.log, error = console.error } = opts;
  try {
    const check = argv.includes("--check");
    const all = await loadApis(root);
    const selected = selectApis(
      all,
      argv.filter((a) => !a.startsWith("--")),
    );
    const results: GeneratedApi[] = [];
    for (const api of selected) results.push(await generateApi(root, api));
    // A run limited to some APIs keeps the manifest entries of the others.
    const previous = await readManifest(root);
    const kept = Object.fromEntries(
      all
        .filter((a) => !selected.includes(a))
        .flatMap((a) => (previous[a.output] ? [[a.output, previous[a.output]!]] : [])),
    );
    const files = outputFiles(results, kept);
    for (const { api, summary: s, ms } of results) {
      log(
        `${api.name}: ${s.paths} paths, ${s.operations.length} operations, ${s.schemaNames.length} schemas, ` +
          `${s.lists.length} list operations → ${api.output} (${Math.round(ms)} ms)`,
      );
    }
    if (check) {
      const { stale, unknown } = await findDrift(
        root,
        files,
        all.flatMap((a) => [a.output, documentPath(a.output)]),
      );
      for (const f of stale) error(`stale: ${f} (run npm run generate)`);
      for (const f of unknown) error(`unknown: ${f} (not produced by the generator)`);
      if (stale.length + unknown.length > 0) return 1;
      log("generated/ is up to date");
      return 0;
    }
    // Before the write: the report compares with what generated/ holds now.
    for (const line of await reportChanges(root, results, previous)) log(line);
    const written = await writeOutputs(root, files);
    log(written.length ? `wrote ${written.join(", ")}` : "generated/ unchanged");
    await opts.afterWrite?.();
    return 0;
  } catch (err) {
    if (!(err instanceof GeneratorError)) throw err;
    error(`generate: ${err.message}`);
    error("generate: nothing was written");
    return 2;
  }
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] && path.resolve(process.argv[1]) === self) {
  const root = path.resolve(path.dirname(self), "..");
  const argv = process.argv.slice(2);
  const names = argv.filter((a) => !a.startsWith("--"));
  // The docs come from the same specs, so the main command rebuilds them too (--no-docs skips that).
  const afterWrite = async () => {
    if (argv.includes("--no-docs")) return;
    const started = performance.now();
    const { pages, sdk } = await buildDocs(path.join(root, "redocly.yaml"), path.join(root, "docs-dist"), {
      names,
      clean: names.length === 0,
    });
    const built = [...pages.map((p) => `docs-dist/${p.api.page}`), ...(sdk ? ["docs-dist/sdk/"] : [])];
    console.log(`docs: ${built.join(", ")} (${Math.round(performance.now() - started)} ms)`);
  };
  generate(argv, { root, afterWrite }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(2);
    },
  );
}
