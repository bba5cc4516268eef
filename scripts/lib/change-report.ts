// `npm run generate`'s change report: each regenerated API's new document against the one generated/
// holds (generated/<name>.openapi.json) and the fingerprints its manifest entry recorded.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { documentPath } from "./apis.js";
import { compareDocuments, formatChanges } from "./changes.js";
import type { Obj } from "./openapi.js";
import type { ManifestEntry } from "./outputs.js";
import type { GeneratedApi } from "./pipeline.js";

export async function reportChanges(
  root: string,
  results: readonly GeneratedApi[],
  previous: Record<string, ManifestEntry>,
): Promise<string[]> {
  const lines: string[] = [];
  for (const { api, document } of results) {
    const since = documentPath(api.output);
    const entry = previous[api.output];
    const doc = await readDocument(path.join(root, since));
    if (!entry && !doc) {
      lines.push(`${api.name}: new API (nothing in generated/ to compare with)`);
      continue;
    }
    lines.push(
      ...formatChanges(
        api.name,
        since,
        compareDocuments({ doc, fingerprints: entry?.fingerprints }, document),
      ),
    );
  }
  return lines;
}

async function readDocument(file: string): Promise<Obj | undefined> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Obj;
  } catch {
    // A hand-damaged document: the fingerprints alone still say what changed.
    return undefined;
  }
}
