// Everything that keeps the published docs working with no network: the Content-Security-Policy, the one
// shared renderer asset (Redoc's standalone bundle, its CDN logos made local), and the check that no page
// or asset would load anything from outside.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { GeneratorError } from "../apis.js";

export class DocsError extends GeneratorError {
  override name = "DocsError";
}

/**
 * The browser refuses every load that does not come from the site itself, whatever the renderer tries.
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

/** Where the shared renderer lives, relative to docs-dist/ (every API page links it from there). */
export const RENDERER_ASSET = "assets/redoc.standalone.js";
const REDOC_STANDALONE = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")),
  "lib/chunks/redoc.standalone.js",
);
/** The CDN URL `redocly build-docs` links the renderer from when it is not inlined. */
const CDN_RENDERER = /https:\/\/cdn\.redocly\.com\/redoc\/v[\w.-]+\/bundles\/redoc\.standalone\.js/g;

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

export function findExternalLoads(text: string): string[] {
  return EXTERNAL_LOADS.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[0]));
}

export interface RendererAsset {
  /** Path relative to the output folder. */
  file: string;
  /** Subresource-integrity value of the written file. */
  integrity: string;
  bytes: number;
}

/** Writes the one renderer every API page shares, with its CDN assets replaced by local ones. */
export async function writeRendererAsset(outDir: string): Promise<RendererAsset> {
  let js = await readFile(REDOC_STANDALONE, "utf8");
  for (const [remote, local] of OFFLINE_ASSETS) js = js.replaceAll(remote, local);
  const loads = findExternalLoads(js);
  if (loads.length > 0) {
    throw new DocsError(
      `${RENDERER_ASSET} would load from outside:\n  ${loads.map((l) => l.slice(0, 120)).join("\n  ")}`,
    );
  }
  await mkdir(path.join(outDir, path.dirname(RENDERER_ASSET)), { recursive: true });
  await writeFile(path.join(outDir, RENDERER_ASSET), js);
  const integrity = `sha384-${createHash("sha384").update(js).digest("base64")}`;
  return { file: RENDERER_ASSET, integrity, bytes: Buffer.byteLength(js) };
}

/**
 * A page from `redocly build-docs` (not inlined) made to load the shared local renderer: the CDN URL becomes
 * a relative one and the preload's integrity that of our copy. Anything else that would reach outside, a
 * missing CSP or live telemetry fails the build.
 */
export function makeOffline(built: string, page: string, asset: RendererAsset): string {
  let html = built.replace(CDN_RENDERER, `./${asset.file}`);
  html = html.replace(
    /(<link rel="modulepreload" href="\.\/[^"]+" integrity=")[^"]*(")/,
    `$1${asset.integrity}$2`,
  );
  for (const [remote, local] of OFFLINE_ASSETS) html = html.replaceAll(remote, local);
  const problems: string[] = [];
  if (!html.includes(`content="${CONTENT_SECURITY_POLICY.replaceAll("'", "&#x27;")}"`)) {
    problems.push("the page lacks the Content-Security-Policy of scripts/docs-template.html");
  }
  if (!html.includes(`from "./${asset.file}"`)) problems.push(`the page does not load ./${asset.file}`);
  // Off because REDOCLY_TELEMETRY=off is set for the CLI; the page would otherwise post traces to Redocly.
  if (!html.includes('"disableTelemetry":true')) problems.push("the renderer's telemetry is not disabled");
  problems.push(...findExternalLoads(html).map((load) => `loads from outside: ${load.slice(0, 120)}`));
  if (problems.length > 0) throw new DocsError(`${page} would not work offline:\n  ${problems.join("\n  ")}`);
  return html;
}
