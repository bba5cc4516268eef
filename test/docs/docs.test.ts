// The published docs (`npm run docs`): built by scripts/docs.ts into a temp folder, served from 127.0.0.1
// and opened in headless Chromium with every request that leaves that server aborted and counted —
// Cloudpods mostly runs in private networks, so the docs must render with nothing from outside.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { bundle, createConfig } from "@redocly/openapi-core";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findExternalLoads, readDocsApis, type DocsApi } from "../../scripts/lib/docs.js";

const REPO = path.resolve(import.meta.dirname, "../..");
const TSX_CLI = path.join(REPO, "node_modules/tsx/dist/cli.mjs");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const UI_TIMEOUT_MS = 15_000;

function runDocs(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSX_CLI, "scripts/docs.ts", ...args],
      { cwd: REPO, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("scripts/docs.ts failures", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "docs-fail-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("names the spec file that redocly.yaml lists but does not exist", async () => {
    await writeFile(path.join(dir, "missing.yaml"), "apis:\n  ghost@v1:\n    root: specs/ghost.yaml\n");
    const out = path.join(dir, "out-missing");
    const result = await runDocs(["--config", path.join(dir, "missing.yaml"), "--out", out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ghost@v1");
    expect(result.stderr).toContain(path.join("specs", "ghost.yaml"));
    expect(existsSync(out)).toBe(false);
  });

  it("fails with Redocly's message when build-docs rejects a spec", async () => {
    await writeFile(path.join(dir, "broken.yaml"), "apis:\n  broken@v1:\n    root: broken-spec.yaml\n");
    await writeFile(
      path.join(dir, "broken-spec.yaml"),
      "openapi: 3.1.0\ninfo:\n  title: x\npaths:\n  /a:\n    get: [\n",
    );
    const result = await runDocs([
      "--config",
      path.join(dir, "broken.yaml"),
      "--out",
      path.join(dir, "out-broken"),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("redocly build-docs broken@v1 failed");
    expect(result.stderr).toContain("broken-spec.yaml"); // Redocly's own parse error names the file
  });
});

describe("findExternalLoads", () => {
  it("flags remote scripts, styles, fonts, images and module imports", () => {
    const loads = [
      `<script src="https://cdn.example.com/redoc.js"></script>`,
      `<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Roboto">`,
      `<img alt="x" src="http://example.com/logo.svg">`,
      `@font-face{src:url('https://example.com/a.woff2')}`,
      `@import "https://example.com/theme.css";`,
      `import { hydrate } from "https://example.com/bundle.js";`,
      "const logo = `https://cdn.redoc.ly/redoc/logo-mini.svg`;",
    ];
    for (const load of loads) expect(findExternalLoads(load), load).not.toEqual([]);
  });

  it("lets links and plain text through", () => {
    const text = `<a href="https://redocly.com/redoc/">Redoc</a> see https://example.com/docs <img src="data:,">`;
    expect(findExternalLoads(text)).toEqual([]);
  });
});

describe("docs in headless Chromium, offline", () => {
  let apis: DocsApi[] = [];
  let outDir = "";
  let base = "";
  let server: http.Server | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium fonts-dejavu-core)`,
      );
    }
    // Specs are written API by API: build the ones that exist (all of them once every spec is there).
    const listed = await readDocsApis(path.join(REPO, "redocly.yaml"));
    apis = listed.filter((api) => existsSync(api.root));
    if (apis.length === 0) throw new Error("no spec listed in redocly.yaml exists yet");
    const only = apis.length < listed.length ? apis.flatMap((api) => ["--api", api.alias]) : [];
    outDir = await mkdtemp(path.join(os.tmpdir(), "docs-dist-"));
    const result = await runDocs(["--out", outDir, ...only]);
    if (result.code !== 0) throw new Error(`scripts/docs.ts failed:\n${result.stderr}`);
    server = await serveFolder(outDir);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  /** Opens a page with every request outside the local server aborted and recorded, CSP blocks included. */
  async function openOffline(url: string) {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const outside: string[] = [];
    await context.route("**/*", (route) => {
      const requested = route.request().url();
      if (requested.startsWith(`${base}/`)) return route.continue();
      outside.push(requested);
      return route.abort();
    });
    await context.addInitScript(() => {
      const w = window as unknown as { blocked: string[] };
      w.blocked = [];
      // Only blocked loads count: Redoc's search probes `Function()` for a worker and, refused ("eval"),
      // indexes on the main thread instead.
      window.addEventListener("securitypolicyviolation", (e) => {
        if (e.blockedURI.includes(":")) w.blocked.push(e.blockedURI);
      });
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(url, { waitUntil: "load" });
    const blocked = () => page.evaluate(() => (window as unknown as { blocked: string[] }).blocked);
    return { context, page, outside, errors, blocked };
  }

  it("builds pages that reference nothing outside docs-dist", async () => {
    for (const api of apis) {
      expect(findExternalLoads(await readFile(path.join(outDir, api.page), "utf8")), api.page).toEqual([]);
    }
  });

  it("index.html links to each API page with its title and version", async () => {
    const { context, page, outside, errors, blocked } = await openOffline(`${base}/index.html`);
    try {
      expect(await page.locator("a").count()).toBe(apis.length);
      for (const api of apis) {
        const link = page.locator(`a[href="${api.page}"]`);
        expect((await link.textContent())?.trim()).toBe(await specTitle(api));
        expect(await page.locator("li", { has: link }).textContent()).toContain(api.version);
      }
      await page.locator(`a[href="${apis[0]!.page}"]`).click();
      await page.waitForURL(`${base}/${apis[0]!.page}`, { timeout: UI_TIMEOUT_MS });
      expect(errors).toEqual([]);
      expect(await blocked()).toEqual([]);
      expect(outside).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("renders the operation list of the API page with no outside request and no console error", async () => {
    const api = apis.find((a) => a.name === "compute") ?? apis.find((a) => a.name === "identity") ?? apis[0]!;
    const operation = await expectedOperation(api);
    const { context, page, outside, errors, blocked } = await openOffline(`${base}/${api.page}`);
    try {
      // The attribution logo is drawn by an effect, so it marks the end of hydration (before it, sidebar
      // links are plain hrefs); it is also the asset Redoc would otherwise fetch from its CDN.
      await page.locator('img[alt="redocly logo"]').waitFor({ timeout: UI_TIMEOUT_MS });
      await page
        .locator(`[data-component-name="Menu/Menu"] span[data-text="${operation.tag}"]`)
        .first()
        .click();
      // The operation's own section heading (its accessible name also holds a "link to ..." label).
      const exact = new RegExp(`^\\s*${operation.summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`);
      await page
        .locator("h2")
        .filter({ hasText: exact })
        .first()
        .waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
      await mkdir(path.join(REPO, "test-results"), { recursive: true });
      await page.screenshot({ path: path.join(REPO, "test-results", `docs-${api.name}.png`) });
      expect(errors).toEqual([]);
      expect(await blocked()).toEqual([]);
      expect(outside).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

function serveFolder(root: string): Promise<http.Server> {
  const types: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript" };
  const server = http.createServer((request, response) => {
    const file = path.join(
      root,
      path.normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)),
    );
    if (!file.startsWith(root + path.sep)) return void response.writeHead(403).end();
    readFile(file).then(
      (body) =>
        response
          .writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" })
          .end(body),
      () => response.writeHead(404).end(),
    );
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function loadSpec(api: DocsApi): Promise<Spec> {
  const result = await bundle({ ref: api.root, config: await createConfig({}) });
  return result.bundle.parsed as Spec;
}

interface Operation {
  summary?: string;
  tags?: string[];
}
interface Spec {
  info?: { title?: string };
  tags?: { name: string; "x-displayName"?: string }[];
  paths?: Record<string, Record<string, Operation>>;
}

async function specTitle(api: DocsApi): Promise<string | undefined> {
  return (await loadSpec(api)).info?.title;
}

/** The operation whose summary must show: listing servers for compute, authenticating for identity. */
async function expectedOperation(api: DocsApi): Promise<{ summary: string; tag: string }> {
  const spec = await loadSpec(api);
  const wanted = { compute: ["/servers", "get"], identity: ["/auth/tokens", "post"] }[api.name];
  let operation = wanted ? spec.paths?.[wanted[0]!]?.[wanted[1]!] : undefined;
  // Only while identity.yaml is still a placeholder without /auth/tokens: take its first operation.
  if (!operation && api.name !== "compute") {
    const methods = ["get", "put", "post", "delete", "patch"];
    operation = Object.values(spec.paths ?? {})
      .flatMap((item) => methods.flatMap((m) => item[m] ?? []))
      .at(0);
  }
  if (!operation?.summary || !operation.tags?.[0])
    throw new Error(`${api.root}: no tagged operation with a summary`);
  const tag = spec.tags?.find((t) => t.name === operation.tags![0]);
  return { summary: operation.summary, tag: tag?.["x-displayName"] ?? operation.tags[0] };
}
