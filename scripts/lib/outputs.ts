// Step 6: the manifest, the drift check and the all-or-nothing write of generated/.
import { createRequire } from "node:module";
import { readdir, readFile, rename, writeFile, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { documentPath } from "./apis.js";
import { fingerprints, type Fingerprints } from "./changes.js";
import { sha256 } from "./hash.js";
import { GENERATOR, type GeneratedApi } from "./pipeline.js";

export const MANIFEST = "generated/manifest.json";
const TMP_SUFFIX = ".tmp";
const TOOLS = ["openapi-typescript", "@redocly/openapi-core", "ts-morph", "typescript"] as const;

export interface OutputFile {
  path: string;
  text: string;
}

/** Versions of the tools that shape the output, resolved from the generator's own installation. */
export function toolVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  return Object.fromEntries(
    TOOLS.map((name) => [name, (require(`${name}/package.json`) as { version: string }).version]),
  );
}

export interface ManifestEntry {
  api: string;
  /** Catalog service type (`compute_v2`), so run-time readers need no list of their own. */
  serviceType: string;
  /** The bundled OpenAPI document beside the output. */
  document: string;
  spec: string;
  specSha256: string;
  sha256: string;
  /** Per operation and per component schema, what the next regenerate's change report compares with. */
  fingerprints?: Fingerprints | undefined;
}

export async function readManifest(repoRoot: string): Promise<Record<string, ManifestEntry>> {
  const text = await readFile(path.join(repoRoot, MANIFEST), "utf8").catch(() => undefined);
  if (!text) return {};
  try {
    return (JSON.parse(text) as { outputs?: Record<string, ManifestEntry> }).outputs ?? {};
  } catch {
    return {};
  }
}

/** Compact but one line per top-level entry of `paths` and `components`, so diffs stay readable. */
function documentText(doc: Record<string, unknown>): string {
  return `${JSON.stringify(doc, null, 1)}\n`;
}

/**
 * The files generated/ must hold: per generated API its types and its bundled document, plus the manifest. `kept` carries the manifest
 * entries of APIs not regenerated in this run (a run limited to some APIs by name).
 */
export function outputFiles(results: GeneratedApi[], kept: Record<string, ManifestEntry> = {}): OutputFile[] {
  const files = results.flatMap((r) => [
    { path: r.api.output, text: r.text },
    { path: documentPath(r.api.output), text: documentText(r.document) },
  ]);
  const fresh = results.map((r): [string, ManifestEntry] => [
    r.api.output,
    {
      api: r.api.name,
      serviceType: r.api.serviceType,
      document: documentPath(r.api.output),
      spec: r.api.root,
      specSha256: r.specSha256,
      sha256: sha256(r.text),
      fingerprints: fingerprints(r.document),
    },
  ]);
  const outputs = Object.fromEntries(
    [...Object.entries(kept), ...fresh].sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const manifest = { generator: GENERATOR, tools: toolVersions(), outputs };
  files.push({ path: MANIFEST, text: `${JSON.stringify(manifest, null, 2)}\n` });
  return files;
}

/** Files that differ from what is on disk, and files in the generated folders that nothing generates. */
export async function findDrift(
  repoRoot: string,
  files: OutputFile[],
  allOutputs: string[],
): Promise<{ stale: string[]; unknown: string[] }> {
  const stale: string[] = [];
  for (const f of files) {
    const onDisk = await readFile(path.join(repoRoot, f.path), "utf8").catch(() => undefined);
    if (onDisk !== f.text) stale.push(f.path);
  }
  const expected = new Set([...files.map((f) => f.path), ...allOutputs]);
  const unknown: string[] = [];
  for (const dir of new Set(files.map((f) => path.posix.dirname(f.path)))) {
    const entries = await readdir(path.join(repoRoot, dir)).catch(() => [] as string[]);
    // Leftover temp files of an interrupted write are not outputs; the next write replaces them.
    for (const e of entries.sort()) {
      if (!expected.has(`${dir}/${e}`) && !e.endsWith(TMP_SUFFIX)) unknown.push(`${dir}/${e}`);
    }
  }
  return { stale, unknown };
}

/**
 * Writes only after every output exists in memory, each through a temp file + rename, so a reader never
 * sees a half-written file and invalid input leaves generated/ as it was. (The renames are one per file: a
 * crash between two of them leaves a mix of old and new files, which the drift check reports as stale.)
 */
export async function writeOutputs(repoRoot: string, files: OutputFile[]): Promise<string[]> {
  const written: string[] = [];
  const temps: { tmp: string; dest: string }[] = [];
  try {
    for (const f of files) {
      const dest = path.join(repoRoot, f.path);
      const current = await readFile(dest, "utf8").catch(() => undefined);
      if (current === f.text) continue;
      await mkdir(path.dirname(dest), { recursive: true });
      const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${process.pid}${TMP_SUFFIX}`);
      await writeFile(tmp, f.text);
      temps.push({ tmp, dest });
    }
    for (const { tmp, dest } of temps) {
      await rename(tmp, dest);
      written.push(path.relative(repoRoot, dest).split(path.sep).join("/"));
    }
  } finally {
    await Promise.all(temps.map(({ tmp }) => rm(tmp, { force: true })));
  }
  return written;
}
