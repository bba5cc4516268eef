// Builds the published API reference: one offline Redoc page per API in redocly.yaml, plus an index.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { GeneratorError, readApiMap, selectApis } from "./apis.js";

export class DocsError extends GeneratorError {
  override name = "DocsError";
}

export interface DocsApi {
  /** Key in redocly.yaml `apis`, e.g. `compute@v2`: what `redocly build-docs` is given. */
  alias: string;
  /** Name before the `@`, e.g. `compute`: names the page. */
  name: string;
  /** Version after the `@`, e.g. `v2` (empty when the key has none). */
  version: string;
  /** Absolute path of the spec's root file. */
  root: string;
  /** Page file name inside the output folder, e.g. `compute.html`. */
  page: string;
}

export interface BuiltPage {
  api: DocsApi;
  /** The spec's info.title, shown on the index. */
  title: string;
  bytes: number;
}

const TEMPLATE = fileURLToPath(new URL("../docs-template.html", import.meta.url));
const REDOCLY_CLI = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")),
  "bin/cli.js",
);
const BUILD_TIMEOUT_MS = 120_000;

/**
 * The browser refuses every load that does not come from the page itself, whatever the renderer tries.
 * No 'unsafe-eval': Redoc's search then indexes on the main thread instead of in a worker, which is fine.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

// The only assets Redoc's bundle takes from a CDN: the "API docs by Redocly" logo (loaded on every page)
// and the icon packs (only for configured icons). The logos become inline SVG text, the icons stay local.
const svgText = (text: string, width: number): string =>
  "data:image/svg+xml," +
  encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="14">` +
      `<text x="0" y="11" font-family="sans-serif" font-size="11" font-weight="bold">${text}</text></svg>`,
  ).replace(/'/g, "%27");
const OFFLINE_ASSETS: ReadonlyArray<readonly [string, string]> = [
  ["https://cdn.redoc.ly/redoc/logo-mini-full.svg", svgText("Redocly", 46)],
  ["https://cdn.redoc.ly/redoc/logo-mini.svg", svgText("R", 9)],
  ["https://cdn.redocly.com/icons/", "./redocly-icons/"],
];

// What a page could load from outside: tags with a remote src/href, CSS url()/@import, ES module imports,
// and any mention of the CDN and font hosts Redoc has used. Links the reader clicks (<a href>) are fine.
const EXTERNAL_LOADS: readonly RegExp[] = [
  /<(?:script|img|iframe|frame|embed|source|audio|video|track|input)\b[^>]*?\ssrc\s*=\s*["']?(?:https?:)?\/\/[^\s"'>]*/gi,
  /<link\b[^>]*?\shref\s*=\s*["']?(?:https?:)?\/\/[^\s"'>]*/gi,
  /url\(\s*["']?(?:https?:)?\/\/[^\s"')]*/gi,
  /@import\s+(?:url\()?\s*["']?(?:https?:)?\/\/[^\s"')]*/gi,
  /\bimport\b[\w\s{},*]{0,200}?["'`](?:https?:)?\/\/[^\s"'`]*/g,
  /\b(?:cdn\.redoc\.ly|cdn\.redocly\.com|fonts\.googleapis\.com|fonts\.gstatic\.com|unpkg\.com|cdn\.jsdelivr\.net)\b[^\s"'`)]*/gi,
];

export function findExternalLoads(html: string): string[] {
  return EXTERNAL_LOADS.flatMap((pattern) => [...html.matchAll(pattern)].map((m) => m[0]));
}

export async function readDocsApis(configFile: string, names: readonly string[] = []): Promise<DocsApi[]> {
  return selectApis(await readApiMap(configFile), names).map((api) => ({
    alias: api.name,
    name: api.shortName,
    version: api.version,
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

export async function buildApiPage(api: DocsApi, configFile: string, outDir: string): Promise<BuiltPage> {
  const file = path.join(outDir, api.page);
  const args = [REDOCLY_CLI, "build-docs", api.alias, "--config", configFile, "--output", file];
  args.push("--template", TEMPLATE, "--templateOptions.csp", CONTENT_SECURITY_POLICY, "--inlineBundle");
  const { code, output } = await run(args);
  if (code !== 0) throw new DocsError(`redocly build-docs ${api.alias} failed (exit ${code}):\n${output}`);
  const html = makeOffline(await readFile(file, "utf8"), api);
  await writeFile(file, html);
  return { api, title: await specTitle(api), bytes: Buffer.byteLength(html) };
}

function makeOffline(built: string, api: DocsApi): string {
  let html = built;
  for (const [remote, local] of OFFLINE_ASSETS) html = html.replaceAll(remote, local);
  const problems: string[] = [];
  if (!html.includes(`content="${CONTENT_SECURITY_POLICY.replaceAll("'", "&#x27;")}"`)) {
    problems.push("the page lacks the Content-Security-Policy of scripts/docs-template.html");
  }
  // Off because REDOCLY_TELEMETRY=off is set for the CLI; the page would otherwise post traces to Redocly.
  if (!html.includes('"disableTelemetry":true')) problems.push("the renderer's telemetry is not disabled");
  problems.push(...findExternalLoads(html).map((load) => `loads from outside: ${load.slice(0, 120)}`));
  if (problems.length > 0)
    throw new DocsError(`${api.page} would not work offline:\n  ${problems.join("\n  ")}`);
  return html;
}

async function specTitle(api: DocsApi): Promise<string> {
  const spec = parse(await readFile(api.root, "utf8")) as { info?: { title?: unknown } } | null;
  return typeof spec?.info?.title === "string" ? spec.info.title : api.name;
}

async function run(args: string[]): Promise<{ code: number; output: string }> {
  // Telemetry and the update check would reach the internet; colours would garble captured messages.
  const env = {
    ...process.env,
    REDOCLY_TELEMETRY: "off",
    REDOCLY_SUPPRESS_NOTIFICATIONS: "true",
    NO_COLOR: "1",
  };
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill(), BUILD_TIMEOUT_MS);
  const code = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve(status ?? 1));
  }).finally(() => clearTimeout(timer));
  return { code, output: withoutBanners(output) };
}

/** Drops the CLI's boxed notices (Node 20 deprecation, Redoc 3 announcement) so the real message stands out. */
function withoutBanners(output: string): string {
  return output
    .split("\n")
    .filter((line) => !/[║╔╚]/.test(line) && line.trim() !== "")
    .join("\n");
}

export function renderIndex(pages: readonly BuiltPage[]): string {
  const items = pages.map(({ api, title }) => {
    const version = api.version ? ` <span class="version">${escapeHtml(api.version)}</span>` : "";
    return `      <li><a href="${escapeHtml(api.page)}">${escapeHtml(title)}</a>${version}</li>`;
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(CONTENT_SECURITY_POLICY)}" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Cloudpods API reference</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; }
    li { margin: 0.5rem 0; font-size: 1.1rem; }
    .version { color: #555; font-size: 0.9rem; margin-left: 0.4rem; }
  </style>
</head>
<body>
  <main>
    <h1>Cloudpods API reference</h1>
    <ul>
${items.join("\n")}
    </ul>
  </main>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface BuildDocsOptions {
  /** APIs to build (alias or name); all of them when empty. */
  names?: readonly string[];
  /** Empty outDir first (only once every spec is known to exist, so a failed run keeps the old docs). */
  clean?: boolean;
}

export async function buildDocs(configFile: string, outDir: string, options: BuildDocsOptions = {}) {
  const apis = await readDocsApis(configFile, options.names ?? []);
  assertSpecsExist(apis);
  if (options.clean) await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const pages: BuiltPage[] = [];
  for (const api of apis) pages.push(await buildApiPage(api, configFile, outDir));
  await writeFile(path.join(outDir, "index.html"), renderIndex(pages));
  return pages;
}
