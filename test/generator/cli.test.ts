// The generator as a command: bad input exits non-zero with file:line and the rule, and leaves generated/
// byte-identical; --check names stale and unknown files; output does not depend on the working directory.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generate } from "../../scripts/generate.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, "../..");
let root: string;

async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(path.join(root, dir)).catch(() => [] as string[]);
  return Object.fromEntries(
    await Promise.all(entries.sort().map(async (e) => [e, await readFile(path.join(root, dir, e), "utf8")])),
  );
}

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await generate(argv, { root, log: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "cpsdk-gen-"));
  await cp(path.join(here, "cases/multi-file"), path.join(root, "specs"), { recursive: true });
  await writeFile(
    path.join(root, "redocly.yaml"),
    "apis:\n  demo@v1:\n    root: specs/root.yaml\n    x-openapi-ts:\n      output: generated/demo.ts\n",
  );
  expect((await run()).code).toBe(0);
});
afterEach(() => rm(root, { recursive: true, force: true }));

const badInputs: [name: string, { edit: (spec: string) => string; file?: string; want: RegExp }][] = [
  [
    "malformed YAML",
    {
      edit: (s) => s.replace("paths:\n", "paths:\n  - [unclosed\n"),
      want: /^generate: specs\/root\.yaml:\d+:\d+: \[yaml\]/m,
    },
  ],
  [
    "dangling $ref",
    {
      edit: (s) => s.replace("#/components/schemas/NetworkDetails", "#/components/schemas/Nope"),
      want: /^generate: specs\/root\.yaml:\d+:\d+: \[no-unresolved-refs\] .*(at #\/components\/schemas\/NetworkListResponse)/m,
    },
  ],
  [
    "dangling file $ref",
    {
      edit: (s) =>
        s.replace("./components/lists.yaml#/parameters/limit", "./components/missing.yaml#/parameters/limit"),
      want: /specs\/root\.yaml:\d+:\d+: \[no-unresolved-refs\]/,
    },
  ],
  [
    "duplicate operationId",
    {
      edit: (s) =>
        s.replace(
          "paths:\n",
          'paths:\n  /other:\n    get:\n      operationId: listNetworks\n      responses:\n        "200":\n          description: x\n',
        ),
      want: /specs\/root\.yaml:\d+:\d+: \[operation-operationId-unique\]/,
    },
  ],
  [
    "broken component file",
    {
      file: "specs/components/lists.yaml",
      edit: (s) => s.replace("type: integer", "type: [integer"),
      want: /specs\/components\/lists\.yaml:\d+:\d+: \[yaml\]/,
    },
  ],
];

describe("generate: bad input", () => {
  it.each(badInputs)(
    "%s → exit 2, file:line and rule, generated/ untouched",
    async (_name, { edit, file, want }) => {
      const before = await snapshotDir("generated");
      const target = path.join(root, file ?? "specs/root.yaml");
      await writeFile(target, edit(await readFile(target, "utf8")));
      const { code, err } = await run();
      expect(code).toBe(2);
      expect(err).toMatch(want);
      expect(err).toMatch(/nothing was written/);
      expect(await snapshotDir("generated")).toEqual(before);
    },
  );

  it("malformed redocly.yaml → exit 2 with its line, generated/ untouched", async () => {
    const before = await snapshotDir("generated");
    await writeFile(path.join(root, "redocly.yaml"), "apis:\n  demo@v1:\n    root: [specs/root.yaml\n");
    const { code, err } = await run();
    expect(code).toBe(2);
    expect(err).toMatch(/^generate: redocly\.yaml:\d+:\d+: \[yaml\]/m);
    expect(await snapshotDir("generated")).toEqual(before);
  });

  it("an output outside generated/ is refused before anything is written", async () => {
    await writeFile(
      path.join(root, "redocly.yaml"),
      "apis:\n  demo@v1:\n    root: specs/root.yaml\n    x-openapi-ts:\n      output: ../escaped.ts\n",
    );
    const { code, err } = await run();
    expect(code).toBe(2);
    expect(err).toMatch(/output must be generated\/<name>\.ts, not \.\.\/escaped\.ts/);
    expect(await readdir(path.dirname(root))).not.toContain("escaped.ts");
  });

  it("unknown API name → exit 2 listing the known APIs", async () => {
    const before = await snapshotDir("generated");
    const { code, err } = await run("nope");
    expect(code).toBe(2);
    expect(err).toMatch(/unknown API "nope" \(redocly.yaml apis: demo@v1\)/);
    expect(await snapshotDir("generated")).toEqual(before);
  });
});

describe("generate --check", () => {
  it("passes on fresh output", async () => {
    expect((await run("--check")).code).toBe(0);
  });

  it("names a stale file and an unknown file, and writes nothing", async () => {
    await writeFile(path.join(root, "generated/demo.ts"), "// edited by hand\n");
    await writeFile(path.join(root, "generated/extra.ts"), "export {};\n");
    const before = await snapshotDir("generated");
    const { code, err } = await run("--check");
    expect(code).toBe(1);
    expect(err).toMatch(/stale: generated\/demo\.ts/);
    expect(err).toMatch(/unknown: generated\/extra\.ts/);
    expect(await snapshotDir("generated")).toEqual(before);
  });

  it("detects a spec change as staleness of both the output and the manifest", async () => {
    const spec = path.join(root, "specs/root.yaml");
    await writeFile(spec, (await readFile(spec, "utf8")).replace("guest_ip_start", "guest_ip_end"));
    const { code, err } = await run("--check");
    expect(code).toBe(1);
    expect(err).toMatch(/stale: generated\/demo\.ts/);
    expect(err).toMatch(/stale: generated\/demo\.openapi\.json/);
    expect(err).toMatch(/stale: generated\/manifest\.json/);
  });
});

describe("the bundled document beside the types", () => {
  it("holds the spec's paths with internal refs only, and is listed in the manifest", async () => {
    const files = await snapshotDir("generated");
    const doc = JSON.parse(files["demo.openapi.json"]!) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
    expect(files["demo.openapi.json"]).not.toMatch(/"\$ref": "\.\//);
    const manifest = JSON.parse(files["manifest.json"]!) as {
      outputs: Record<string, { document: string; serviceType: string }>;
    };
    expect(manifest.outputs["generated/demo.ts"]).toMatchObject({
      document: "generated/demo.openapi.json",
      serviceType: "demo",
    });
  });

  it("a bad x-service-type is refused before anything is written", async () => {
    await writeFile(
      path.join(root, "redocly.yaml"),
      "apis:\n  demo@v1:\n    root: specs/root.yaml\n    x-service-type: 'Bad Type'\n    x-openapi-ts:\n      output: generated/demo.ts\n",
    );
    const before = await snapshotDir("generated");
    const { code, err } = await run();
    expect(code).toBe(2);
    expect(err).toMatch(/apis\.demo@v1: bad `x-service-type`/);
    expect(await snapshotDir("generated")).toEqual(before);
  });
});

describe("determinism", () => {
  it("gives identical bytes twice, from another working directory, in a separate process", async () => {
    const first = await snapshotDir("generated");
    await rm(path.join(root, "generated"), { recursive: true });
    // The real CLI, started from / so nothing may depend on process.cwd().
    const tsx = path.join(projectRoot, "node_modules/.bin/tsx");
    const script = path.join(root, "generate-entry.mts");
    await writeFile(
      script,
      `import { generate } from ${JSON.stringify(path.join(projectRoot, "scripts/generate.ts"))};\n` +
        `process.exit(await generate([], { root: ${JSON.stringify(root)}, log: () => {} }));\n`,
    );
    await promisify(execFile)(tsx, [script], { cwd: "/" });
    expect(await snapshotDir("generated")).toEqual(first);
    const manifest = JSON.parse(first["manifest.json"]!) as {
      outputs: Record<string, { specSha256: string; sha256: string }>;
    };
    expect(manifest.outputs["generated/demo.ts"]?.specSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first["demo.ts"]).toContain(manifest.outputs["generated/demo.ts"]!.specSha256);
    // A second process started by tsx: generous, so a loaded machine slows it down without failing it.
  }, 180_000);
});
