// The README is a contract: every ```ts block in it must type-check against the real package sources.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// Inside the repository so that imports such as openapi-fetch resolve from node_modules.
const scratch = path.join(root, "node_modules/.cache/cpsdk-readme");

afterAll(() => rm(scratch, { recursive: true, force: true }));

it("README code blocks compile", async () => {
  const readme = await readFile(path.join(root, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThan(0);
  await mkdir(scratch, { recursive: true });
  const files = await Promise.all(
    blocks.map(async (code, i) => {
      const file = path.join(scratch, `block${i}.ts`);
      // The package imports itself by name; point that at the sources.
      const src = JSON.stringify(path.join(root, "src/index.js"));
      // Its generated subpaths too (the exports map points at dist/, which a checkout may not have built).
      const code2 = code
        .replace(/"cloudpods-sdk\/generated\/([\w-]+)"/g, (_, name: string) =>
          JSON.stringify(path.join(root, `generated/${name}.js`)),
        )
        .replaceAll(`"cloudpods-sdk/sandbox"`, JSON.stringify(path.join(root, "src/sandbox/index.js")))
        .replaceAll(`"cloudpods-sdk/node"`, JSON.stringify(path.join(root, "src/transport-node.js")));
      await writeFile(file, `${code2.replaceAll(`"cloudpods-sdk"`, src)}\nexport {};\n`);
      return file;
    }),
  );
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
  const program = ts.createProgram(files, { ...config!.options, noEmit: true });
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.includes(path.resolve(d.file.fileName)))
    .map(
      (d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
    );
  expect(diagnostics).toEqual([]);
}, 300_000); // one program over every block: slow on a loaded machine, never hung
