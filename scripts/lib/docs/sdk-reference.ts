// The reference of the SDK's own API (createCloudpods, its options, errors, paginate, ...) from the doc
// comments in src/, by TypeDoc with the repository's typedoc.json. The generated path types are left to
// the API pages: `validation.notExported` is off because they are referenced but not exported by name.
import { createRequire } from "node:module";
import path from "node:path";
import { DocsError } from "./offline.js";
import { runNode } from "./run.js";

/** Folder of the SDK reference inside docs-dist/. */
export const SDK_FOLDER = "sdk";
const TYPEDOC_CLI = path.join(
  path.dirname(createRequire(import.meta.url).resolve("typedoc/package.json")),
  "bin/typedoc",
);

export async function buildSdkReference(repoRoot: string, outDir: string): Promise<string> {
  const out = path.join(outDir, SDK_FOLDER);
  const args = [TYPEDOC_CLI, "--options", path.join(repoRoot, "typedoc.json"), "--out", out];
  const { code, output } = await runNode(args, repoRoot);
  if (code !== 0) throw new DocsError(`typedoc failed (exit ${code}):\n${output}`);
  return out;
}
