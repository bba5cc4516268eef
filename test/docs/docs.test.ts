// The published docs (`npm run docs`): built by scripts/docs.ts into a temp folder, served from 127.0.0.1
// and opened in headless Chromium with every request that leaves that server aborted and counted —
// Cloudpods mostly runs in private networks, so the docs must render with nothing from outside.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { bundle, createConfig } from "@redocly/openapi-core";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findExternalLoads, readDocsApis, RENDERER_ASSET, type DocsApi } from "../../scripts/lib/docs.js";

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
// Three Redoc pages and TypeDoc over src/, on two cores shared with other suites.
const BUILD_TIMEOUT_MS = 400_000;

function runDocs(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSX_CLI, "scripts/docs.ts", ...args],
      { cwd: REPO, timeout: BUILD_TIMEOUT_MS },
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
    const result = await runDocs(["--config", path.join(dir, "missing.yaml"), "--out", out, "--no-sdk"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ghost@v1");
    expect(result.stderr).toContain(path.join("specs", "ghost.yaml"));
    expect(existsSync(out)).toBe(false);
  });

  it("fails with the bundler's file:line message when a spec does not parse", async () => {
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
      "--no-sdk",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken-spec\.yaml:\d+:\d+: \[yaml\]/);
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

// Chromium is a Debian package: CLOUDPODS_SKIP_INTEGRATION=1 skips this suite with the other package-bound ones.
describe.skipIf(process.env.CLOUDPODS_SKIP_INTEGRATION === "1")("docs in headless Chromium, offline", () => {
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
  }, BUILD_TIMEOUT_MS);

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
    const expectClean = async () => {
      expect(errors).toEqual([]);
      expect(await blocked()).toEqual([]);
      expect(outside).toEqual([]);
    };
    return { context, page, expectClean };
  }

  const screenshot = async (page: Page, name: string) => {
    await mkdir(path.join(REPO, "test-results"), { recursive: true });
    await page.screenshot({ path: path.join(REPO, "test-results", `docs-${name}.png`) });
  };

  it("builds pages that reference nothing outside docs-dist, sharing one renderer file", async () => {
    expect(await readdir(path.join(outDir, "assets"))).toEqual([path.basename(RENDERER_ASSET)]);
    expect(findExternalLoads(await readFile(path.join(outDir, RENDERER_ASSET), "utf8"))).toEqual([]);
    const renderer = (await stat(path.join(outDir, RENDERER_ASSET))).size;
    for (const api of apis) {
      const html = await readFile(path.join(outDir, api.page), "utf8");
      expect(findExternalLoads(html), api.page).toEqual([]);
      expect(html, api.page).toContain(`from "./${RENDERER_ASSET}"`);
      // The renderer is linked, not inlined: the page is smaller than the renderer alone.
      expect(Buffer.byteLength(html), api.page).toBeLessThan(renderer);
    }
  });

  it(
    "index.html describes each API (title, version, spec hash) and links everything relatively",
    { timeout: 60_000 },
    async () => {
      const { context, page, expectClean } = await openOffline(`${base}/index.html`);
      try {
        const specs = JSON.parse(await readFile(path.join(REPO, "generated/manifest.json"), "utf8")) as {
          outputs: Record<string, { api: string; specSha256: string }>;
        };
        for (const api of apis) {
          const link = page.locator(`a[href="${api.page}"]`);
          expect((await link.textContent())?.trim()).toBe(await specTitle(api));
          const row = await page.locator("tr", { has: link }).textContent();
          expect(row).toContain(api.version);
          expect(row).toContain(api.serviceType);
          const hash = Object.values(specs.outputs).find((o) => o.api === api.alias)?.specSha256;
          expect(row).toContain(hash?.slice(0, 12));
        }
        expect(await page.locator('a[href="sdk/index.html"]').count()).toBe(1);
        for (const method of ["Password", "AK/SK", "API gateway"]) {
          expect(await page.locator("h3", { hasText: method }).count(), method).toBe(1);
        }
        const hrefs = await page
          .locator("a")
          .evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
        expect(hrefs.filter((h) => /^(?:[a-z]+:|\/)/i.test(h))).toEqual([]);
        await screenshot(page, "index");
        await page.locator(`a[href="${apis[0]!.page}"]`).click();
        await page.waitForURL(`${base}/${apis[0]!.page}`, { timeout: UI_TIMEOUT_MS });
        await expectClean();
      } finally {
        await context.close();
      }
    },
  );

  it(
    "on each API page, search finds an operation and its TypeScript, CLI and curl samples show",
    { timeout: 180_000 },
    async () => {
      for (const api of apis) {
        const operation = await expectedOperation(api);
        const { context, page, expectClean } = await openOffline(`${base}/${api.page}`);
        try {
          // The attribution logo is drawn by an effect, so it marks the end of hydration (before it, sidebar
          // links are plain hrefs); it is also the asset Redoc would otherwise fetch from its CDN.
          await page.locator('img[alt="redocly logo"]').waitFor({ timeout: UI_TIMEOUT_MS });
          await page.getByTestId("search-trigger").first().click();
          await page.keyboard.type(operation.summary);
          const hit = page.locator('[data-component-name="Search/SearchItem"]', {
            hasText: operation.summary,
          });
          await hit.first().waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
          await hit.first().click();
          // The operation's own section heading (its accessible name also holds a "link to ..." label).
          const exact = new RegExp(`^\\s*${operation.summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`);
          await page
            .locator("h2")
            .filter({ hasText: exact })
            .first()
            .waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
          const call = `await ${api.sample.expression}.${operation.method.toUpperCase()}(`;
          const sample = (text: string) => page.locator("pre").filter({ hasText: text }).first();
          await sample(call).waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
          await screenshot(page, api.name);
          // The other languages are one click away in the sample's language menu.
          // The CLI covers the Cloudpods services only; curl is shown for every API.
          const others: [label: string, text: string][] = [
            ["curl", operation.method === "get" ? 'curl "' : `curl -X ${operation.method.toUpperCase()}`],
          ];
          if (api.sample.cli) others.unshift(["CLI", "cloudpods "]);
          for (const [label, text] of others) {
            await page
              .locator("button", { hasText: /^(TypeScript|CLI|curl)$/ })
              .first()
              .click();
            await page.getByRole("menuitem", { name: label }).first().click();
            await sample(text).waitFor({ state: "visible", timeout: UI_TIMEOUT_MS });
          }
          await screenshot(page, `${api.name}-curl`);
          await expectClean();
        } finally {
          await context.close();
        }
      }
    },
  );

  it(
    "renders the SDK reference: createCloudpods with its doc comment, nothing from outside",
    { timeout: 60_000 },
    async () => {
      const { context, page, expectClean } = await openOffline(`${base}/sdk/index.html`);
      try {
        await page.locator(".col-content").getByRole("link", { name: "cloudpods-sdk", exact: true }).click();
        await page
          .locator(".col-content")
          .getByRole("link", { name: "createCloudpods", exact: true })
          .click();
        await page.locator("h1", { hasText: "createCloudpods" }).waitFor({ timeout: UI_TIMEOUT_MS });
        // The function's doc comment from src/client.ts, and its options type linked.
        const body = await page.locator(".col-content").textContent();
        expect(body).toContain("Creates the client.");
        expect(await page.locator('.col-content a[href*="CloudpodsOptions"]').count()).toBeGreaterThan(0);
        await screenshot(page, "sdk");
        await page.getByRole("link", { name: "All docs" }).first().click();
        await page.waitForURL(`${base}/index.html`, { timeout: UI_TIMEOUT_MS });
        await expectClean();
      } finally {
        await context.close();
      }
    },
  );
});

function serveFolder(root: string): Promise<http.Server> {
  const types: Record<string, string> = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
  };
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
/** The operation searched for: listing servers for compute, authenticating for identity, else the first. */
async function expectedOperation(api: DocsApi): Promise<{ summary: string; method: string; path: string }> {
  const spec = await loadSpec(api);
  const methods = ["get", "put", "post", "delete", "patch"];
  const all = Object.entries(spec.paths ?? {}).flatMap(([p, item]) =>
    methods.flatMap((method) => (item[method] ? [{ path: p, method, operation: item[method] }] : [])),
  );
  const wanted = { compute: ["/servers", "get"], identity: ["/auth/tokens", "post"] }[api.name];
  const found = all.find((o) => o.path === wanted?.[0] && o.method === wanted[1]) ?? all[0];
  if (!found?.operation.summary) throw new Error(`${api.root}: no operation with a summary`);
  return { summary: found.operation.summary, method: found.method, path: found.path };
}
