// STAND-IN until the integrator's src/openapi/documents.ts lands on main (same interface; take theirs on
// merge). It reads generated/<name>.openapi.json when present, else bundles specs/ with the dev-only
// @redocly bundler so the CLI can be built and tested before the bundled documents exist.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

export interface ApiInfo {
  name: string;
  api: string;
  serviceType: string;
}

const SERVICE_TYPES: Readonly<Record<string, string>> = {
  identity: "identity",
  compute: "compute_v2",
  image: "image",
};

const root = new URL(
  existsSync(new URL("../../generated/manifest.json", import.meta.url)) ? "../../" : "../../../",
  import.meta.url,
);

export function listApis(): ApiInfo[] {
  const manifest = JSON.parse(readFileSync(new URL("generated/manifest.json", root), "utf8")) as {
    outputs: Record<string, { api: string }>;
  };
  return Object.values(manifest.outputs).map(({ api }) => {
    const name = api.split("@")[0] ?? api;
    return { name, api, serviceType: SERVICE_TYPES[name] ?? name };
  });
}

export async function loadDocument(name: string): Promise<Record<string, unknown>> {
  const file = new URL(`generated/${name}.openapi.json`, root);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  // Bundling takes seconds: cached per spec hash (the manifest's), so only the first run pays.
  const manifest = JSON.parse(readFileSync(new URL("generated/manifest.json", root), "utf8")) as {
    outputs: Record<string, { specSha256?: string }>;
  };
  const sha = manifest.outputs[`generated/${name}.ts`]?.specSha256 ?? "none";
  const cache = new URL(`node_modules/.cache/cloudpods-cli/${name}.${sha}.json`, root);
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, "utf8")) as Record<string, unknown>;
  const { bundleSpec } = await import("../../scripts/lib/bundle.js");
  const doc = (await bundleSpec(new URL(".", root).pathname, `specs/${name}.yaml`)).document;
  mkdirSync(new URL(".", cache), { recursive: true });
  writeFileSync(cache, JSON.stringify(doc));
  return doc;
}
