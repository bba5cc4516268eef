// The package as users get it: `npm pack` (prepare builds dist/), installed from the tarball into fresh
// consumer projects — TypeScript ESM with moduleResolution node16 and bundler, plain JS ESM, CommonJS
// require() — each run against the sandbox the package itself ships. attw and publint judge the same tarball.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as SandboxModule from "../../src/sandbox/index.js";

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, "../..");
const bin = (name: string) => path.join(projectRoot, "node_modules/.bin", name);
let work: string;
let tarball: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "cpsdk-pack-"));
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", work], {
    cwd: projectRoot,
    maxBuffer: 16 << 20,
  });
  tarball = path.join(work, stdout.trim().split("\n").pop()!);
  await cp(path.join(here, "consumers"), path.join(work, "consumers"), { recursive: true });
  await writeFile(
    path.join(work, "package.json"),
    JSON.stringify({ private: true, dependencies: { "cloudpods-sdk": `file:${tarball}` } }),
  );
  // The runtime dependencies come from npm's cache when `npm ci` has filled it (CI, a developer's clone).
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: work,
  });
}, 300_000);
afterAll(() => rm(work, { recursive: true, force: true }));

async function consumer(name: string, main: string) {
  const { stdout, stderr } = await run(process.execPath, [main], { cwd: path.join(work, "consumers", name) });
  return { line: JSON.parse(stdout.trim()) as { consumer: string; ok: boolean; servers: number }, stderr };
}

describe("the packed tarball", () => {
  it("ships dist/, the bundled documents, LICENSE and README, and no sources or tests", async () => {
    const { stdout } = await run("tar", ["-tzf", tarball]);
    const files = stdout.trim().split("\n");
    expect(files).toContain("package/dist/src/index.js");
    expect(files).toContain("package/dist/src/sandbox/index.js");
    expect(files).toContain("package/dist/generated/compute.openapi.json");
    expect(files).toContain("package/dist/generated/manifest.json");
    expect(files).toContain("package/LICENSE");
    expect(files.filter((f) => /^package\/(src|test|specs|scripts)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
  });

  it.each([
    ["ts-node16", true],
    ["ts-bundler", true],
    ["js-esm", false],
    ["cjs", false],
  ])("%s consumer type-checks and runs against the packaged sandbox", async (name, typescript) => {
    if (typescript) await run(bin("tsc"), ["-p", path.join(work, "consumers", name, "tsconfig.json")]);
    const { line, stderr } = await consumer(name, typescript ? "out/main.js" : "main.js");
    expect(line).toEqual({ consumer: name, ok: true, servers: expect.any(Number) as number });
    expect(stderr).toBe("");
  });

  it("installs the cloudpods bin: `npx cloudpods --help` and a command against the packaged sandbox", async () => {
    const { stdout } = await run("npx", ["--no-install", "cloudpods", "--help"], { cwd: work });
    expect(stdout).toMatch(/server-list/);
    const { startSandbox } = (await import(
      path.join(work, "node_modules/cloudpods-sdk/dist/src/sandbox/index.js")
    )) as typeof SandboxModule;
    const sandbox = await startSandbox();
    try {
      const { username, password, domain, project } = sandbox.admin;
      const env = {
        ...process.env,
        OS_AUTH_URL: sandbox.authUrl,
        OS_USERNAME: username,
        OS_PASSWORD: password,
        OS_DOMAIN_NAME: domain,
        OS_PROJECT_NAME: project,
        OS_PROJECT_DOMAIN: domain,
        HOME: work,
      };
      const list = await run("npx", ["--no-install", "cloudpods", "image-list", "--output", "json"], {
        cwd: work,
        env,
      });
      expect(JSON.parse(list.stdout)).toEqual(
        expect.arrayContaining([expect.objectContaining({ status: "active" })]),
      );
    } finally {
      await sandbox.close();
    }
  });

  it("passes arethetypeswrong (ESM only: CommonJS loads it through require(esm)) and publint", async () => {
    await run(bin("attw"), [tarball, "--profile", "esm-only", "--format", "ascii"]);
    const installed = path.join(work, "node_modules/cloudpods-sdk");
    const { stdout } = await run(bin("publint"), ["--pack", "false", "--strict"], { cwd: installed });
    expect(stdout).toMatch(/All good/);
    expect((await readdir(installed)).sort()).toEqual(["LICENSE", "README.md", "dist", "package.json"]);
  });
});
