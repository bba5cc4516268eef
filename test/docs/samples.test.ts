// Every TypeScript sample the docs show, for every operation of every generated API, compiled against the
// real package sources and generated types: one file with every call (each in its own function), plus
// the index page's auth snippets. A sample that does not type-check fails here, naming its operation.
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH_SNIPPETS } from "../../scripts/lib/docs/auth-snippets.js";
import {
  operationSamples,
  readSampleClients,
  type OperationSamples,
  type SampleClient,
} from "../../scripts/lib/samples/index.js";
import { listApis, loadDocument } from "../../src/openapi/documents.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// Inside the repository so that imports such as openapi-fetch resolve from node_modules.
const scratch = path.join(root, "node_modules/.cache/cpsdk-samples");
/** The package imports itself by name; point those imports at the sources. */
const toSources = (code: string): string =>
  code
    .replaceAll(`"cloudpods-sdk"`, JSON.stringify(path.join(root, "src/index.js")))
    .replace(/"cloudpods-sdk\/generated\/([\w-]+)"/g, (_m, name: string) =>
      JSON.stringify(path.join(root, `generated/${name}.js`)),
    );

interface Unit {
  name: string;
  code: string;
}

/** One function per call, named after its API and operation so a diagnostic says which sample broke. */
function samplesFile(setup: string, units: readonly Unit[]): string {
  const header = toSources(setup);
  const bodies = units.map(
    (u) => `export async function ${u.name}(): Promise<void> {\n${u.code.replace(/^/gm, "  ")}}\n`,
  );
  return `${header}\n${bodies.join("\n")}`;
}

function compile(files: Record<string, string>): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(root, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  const names = Object.keys(files).map((f) => path.join(scratch, f));
  const program = ts.createProgram(names, { ...config!.options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && names.includes(path.resolve(d.file.fileName)))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const text = d.file!.text.split("\n");
      // The enclosing sample function names the operation.
      const owner = text
        .slice(0, line + 1)
        .reverse()
        .find((l) => l.startsWith("export async function"));
      const where = owner?.match(/function (\w+)/)?.[1] ?? path.basename(d.file!.fileName);
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
}

async function writeAll(files: Record<string, string>): Promise<void> {
  await mkdir(scratch, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(scratch, name), text);
}

describe("TypeScript code samples", () => {
  const all: { api: string; client: SampleClient; samples: OperationSamples[] }[] = [];

  beforeAll(async () => {
    const clients = await readSampleClients(path.join(root, "redocly.yaml"));
    for (const { name } of listApis()) {
      const client = clients.get(name)!;
      all.push({ api: name, client, samples: await operationSamples(loadDocument(name), client) });
    }
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it("exist for every operation of every API: TypeScript, the CLI (Cloudpods services) and curl", () => {
    expect(all.map((a) => a.api).sort()).toEqual(
      listApis()
        .map((a) => a.name)
        .sort(),
    );
    for (const { api, client, samples } of all) {
      const doc = loadDocument(api);
      const count = Object.values(doc.paths).flatMap((item) =>
        Object.values(item).filter((op) => typeof op === "object" && op !== null && "operationId" in op),
      ).length;
      expect(samples, api).toHaveLength(count);
      for (const { operation, samples: shown } of samples) {
        const labels = client.cli ? ["TypeScript", "CLI", "curl"] : ["TypeScript", "curl"];
        expect(
          shown.map((s) => s.label),
          operation.operationId,
        ).toEqual(labels);
        expect(shown[0]!.source).toContain(`await ${client.expression}.${operation.method.toUpperCase()}(`);
        if (client.cli) expect(shown[1]!.source).toMatch(/^cloudpods [a-z][\w-]*/);
        expect(shown.at(-1)!.source).toMatch(/^curl /);
      }
    }
    // Cloudpods services authenticate with the keystone token, the login itself with nothing.
    const compute = all.find((a) => a.api === "compute")!.samples;
    expect(compute.every((s) => s.samples.at(-1)!.source.includes('-H "X-Auth-Token: $OS_AUTH_TOKEN"'))).toBe(
      true,
    );
    const login = all
      .find((a) => a.api === "identity")
      ?.samples.find((s) => s.operation.operationId === "authenticate");
    expect(login?.samples.at(-1)!.source).not.toContain("X-Auth-Token");
  });

  it(
    "every one type-checks against the generated types (one file per API, tsc's own API)",
    { timeout: 600_000 },
    async () => {
      const files: Record<string, string> = {};
      for (const { api, client, samples } of all) {
        const units = samples.map(({ operation, typescriptCall }) => ({
          name: `${api}_${operation.operationId}`,
          code: typescriptCall,
        }));
        files[`${api}.ts`] = samplesFile(client.setup, units);
      }
      expect(all.reduce((n, a) => n + a.samples.length, 0)).toBeGreaterThan(100);
      AUTH_SNIPPETS.filter((s) => s.lang === "ts").forEach((s, i) => {
        files[`auth${i}.ts`] = `${toSources(s.code)}\nexport {};\n`;
      });
      await writeAll(files);
      expect(compile(files)).toEqual([]);
    },
  );

  it("the check catches a sample that does not fit the types", { timeout: 300_000 }, async () => {
    const wrong = [
      {
        name: "wrong_path",
        code: `const { data } = await cp.compute.GET("/no-such-path");\nconsole.log(data);\n`,
      },
      {
        name: "wrong_param",
        code: `const { data } = await cp.compute.GET("/servers/{id}", { params: { path: { nope: "x" } } });\nconsole.log(data);\n`,
      },
    ];
    const files = { "wrong.ts": samplesFile(all.find((a) => a.api === "compute")!.client.setup, wrong) };
    await writeAll(files);
    const diagnostics = compile(files);
    expect(diagnostics.some((d) => d.startsWith("wrong_path:"))).toBe(true);
    expect(diagnostics.some((d) => d.startsWith("wrong_param:"))).toBe(true);
  });
});
