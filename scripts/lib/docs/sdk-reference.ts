// The reference of the SDK's own API (createCloudpods, its options, errors, paginate, ...) from the doc
// comments in src/, by TypeDoc with the repository's typedoc.json. The generated path types are left to
// the API pages: `validation.notExported` is off because they are referenced but not exported by name.
import { readdir, readFile, writeFile } from "node:fs/promises";
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
  await linkDocsIndex(outDir, out);
  return out;
}

/**
 * TypeDoc writes a navigation link as given on every page, whatever its folder; the docs index is linked
 * relatively (docs-dist/ may be published under any path), so typedoc.json names it by a marker that each
 * page gets replaced by its own relative path.
 */
export const DOCS_INDEX_MARKER = "__docs_index__";

async function linkDocsIndex(outDir: string, sdkDir: string): Promise<void> {
  const pages = (await readdir(sdkDir, { recursive: true })).filter((f) => f.endsWith(".html"));
  let linked = 0;
  for (const page of pages) {
    const file = path.join(sdkDir, page);
    const html = await readFile(file, "utf8");
    if (!html.includes(`href="${DOCS_INDEX_MARKER}"`)) continue;
    const up = path.relative(path.dirname(file), outDir).split(path.sep).join("/");
    await writeFile(file, html.replaceAll(`href="${DOCS_INDEX_MARKER}"`, `href="${up}/index.html"`));
    linked++;
  }
  if (linked === 0) throw new DocsError(`typedoc.json: navigationLinks must link "${DOCS_INDEX_MARKER}"`);
}
