// Builds the published docs into one folder that works with no network: a Redoc page per API in redocly.yaml
// (with code samples), the one renderer they share, the SDK reference (TypeDoc) and an index.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readApiMap, selectApis } from "./apis.js";
import { buildApiPage, type BuiltPage, type DocsApi } from "./docs/api-page.js";
import { readSpecRecords, renderIndex } from "./docs/index-page.js";
import { DocsError, writeRendererAsset, type RendererAsset } from "./docs/offline.js";
import { buildSdkReference, SDK_FOLDER } from "./docs/sdk-reference.js";

export type { BuiltPage, DocsApi } from "./docs/api-page.js";
export { CONTENT_SECURITY_POLICY, DocsError, findExternalLoads, RENDERER_ASSET } from "./docs/offline.js";
export { renderIndex } from "./docs/index-page.js";

export async function readDocsApis(configFile: string, names: readonly string[] = []): Promise<DocsApi[]> {
  return selectApis(await readApiMap(configFile), names).map((api) => ({
    alias: api.name,
    name: api.shortName,
    version: api.version,
    serviceType: api.serviceType,
    root: path.resolve(path.dirname(configFile), api.root),
    page: `${api.shortName}.html`,
  }));
}

export function assertSpecsExist(apis: readonly DocsApi[]): void {
  const missing = apis.filter((a) => !existsSync(a.root));
  if (missing.length === 0) return;
  const list = missing.map((a) => `  ${a.alias}: ${path.relative(process.cwd(), a.root)}`).join("\n");
  throw new DocsError(`spec file(s) listed in redocly.yaml do not exist:\n${list}`);
}

export interface BuildDocsOptions {
  /** APIs to build (alias or name); all of them when empty. */
  names?: readonly string[];
  /** Empty outDir first (only once every spec is known to exist, so a failed run keeps the old docs). */
  clean?: boolean;
  /** Build the SDK reference (TypeDoc over src/ of the config file's folder). Default true. */
  sdk?: boolean;
}

export interface BuiltDocs {
  pages: BuiltPage[];
  asset: RendererAsset;
  /** The SDK reference folder, when built. */
  sdk?: string | undefined;
}

export async function buildDocs(
  configFile: string,
  outDir: string,
  options: BuildDocsOptions = {},
): Promise<BuiltDocs> {
  const apis = await readDocsApis(configFile, options.names ?? []);
  assertSpecsExist(apis);
  if (options.clean) await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const asset = await writeRendererAsset(outDir);
  const scratch = await mkdtemp(path.join(os.tmpdir(), "cpsdk-docs-"));
  const pages: BuiltPage[] = [];
  try {
    for (const api of apis) pages.push(await buildApiPage(api, configFile, outDir, asset, scratch));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const sdk = options.sdk === false ? undefined : await buildSdkReference(path.dirname(configFile), outDir);
  const specs = await readSpecRecords(configFile);
  const sdkReference = sdk ? `${SDK_FOLDER}/index.html` : undefined;
  await writeFile(path.join(outDir, "index.html"), renderIndex({ pages, specs, sdkReference }));
  return { pages, asset, sdk };
}
