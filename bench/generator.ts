// Our whole generate pipeline vs plain openapi-typescript, side by side, on our specs and on the GitHub REST
// description (811 paths, 969 schemas), plus the tsc time of a small consumer of our generated types.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import { loadApis, type ApiEntry } from "../scripts/lib/apis.js";
import { writeOutputs } from "../scripts/lib/outputs.js";
import { generateApi } from "../scripts/lib/pipeline.js";
import { print, printRatio, sideBySide, spread } from "./stats.js";

const root = path.resolve(import.meta.dirname, "..");
const GITHUB = "node_modules/@octokit/openapi/generated/api.github.com.json";

async function compare(label: string, api: ApiEntry, runs: number, strict: boolean, outDir: string) {
  // The GitHub spec takes seconds per run: no warm-up there, so the bench stays within its time budget.
  const result = await sideBySide(
    runs,
    {
      plain: async () =>
        astToString(await openapiTS(pathToFileURL(path.join(root, api.root)), { silent: true })),
      // The full pipeline including the atomic write (into a scratch folder, not generated/).
      ours: async () => {
        const r = await generateApi(root, api, strict);
        await writeOutputs(outDir, [{ path: `${api.shortName}.ts`, text: r.text }]);
      },
    },
    label !== "github",
  );
  const ratio = result.ours!.map((t, i) => t / result.plain![i]!);
  print(`generate.${label}.plain_openapi_typescript_ms`, spread(result.plain!.map(Math.round)));
  print(`generate.${label}.ours_ms`, spread(result.ours!.map(Math.round)));
  printRatio(`generate.${label}.ratio`, ratio, label === "github" ? "goal ≤ 1.3" : "time, ours over plain");
}

export async function benchGenerator(quick: boolean): Promise<void> {
  // Inside the repository so the consumer file resolves openapi-fetch from node_modules.
  await mkdir(path.join(root, "node_modules/.cache"), { recursive: true });
  const scratch = await mkdtemp(path.join(root, "node_modules/.cache/cpsdk-bench-gen-"));
  try {
    for (const api of await loadApis(root)) await compare(api.shortName, api, quick ? 1 : 3, true, scratch);
    const github: ApiEntry = {
      name: "github@v3",
      shortName: "github",
      serviceType: "github",
      version: "v3",
      root: GITHUB,
      output: "github.ts",
    };
    await compare("github", github, 2, false, scratch);

    // A consumer that touches both generated files, type-checked alone; the same consumer over plain
    // openapi-typescript output of the same specs beside it.
    const apis = await loadApis(root);
    const plainDir = path.join(scratch, "plain");
    await mkdir(plainDir, { recursive: true });
    for (const api of apis) {
      const ast = await openapiTS(pathToFileURL(path.join(root, api.root)), { silent: true });
      await writeFile(path.join(plainDir, `${api.shortName}.ts`), astToString(ast));
    }
    const consumer = (dir: string) =>
      [
        `import createClient from "openapi-fetch";`,
        `import type { paths as Compute } from ${JSON.stringify(path.join(dir, "compute.js"))};`,
        `import type { paths as Identity } from ${JSON.stringify(path.join(dir, "identity.js"))};`,
        `const compute = createClient<Compute>({ baseUrl: "https://c.invalid" });`,
        `const identity = createClient<Identity>({ baseUrl: "https://k.invalid/v3" });`,
        `export async function f() {`,
        `  const { data } = await compute.GET("/servers", { params: { query: { limit: 10 } } });`,
        `  const u = await identity.GET("/users/{user_id}", { params: { path: { user_id: "u" } } });`,
        `  return [data?.servers?.[0]?.name, u.data?.user?.name];`,
        `}`,
      ].join("\n");
    await writeFile(path.join(scratch, "consumer.ts"), consumer(path.join(root, "generated")));
    await writeFile(path.join(scratch, "consumer_plain.ts"), consumer(plainDir));
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    const args = ["--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--target", "es2022"];
    const check = (file: string) => () =>
      promisify(execFile)(process.execPath, [tsc, ...args, path.join(scratch, file)], { cwd: root });
    // Seconds per run: two each, alternated, no warm-up.
    const t = await sideBySide(2, { plain: check("consumer_plain.ts"), ours: check("consumer.ts") }, false);
    print("tsc.consumer_noEmit_ms", spread(t.ours!.map(Math.round)));
    print("tsc.consumer_plain_openapi_typescript_noEmit_ms", spread(t.plain!.map(Math.round)));
    printRatio(
      "tsc.consumer_ours_vs_plain",
      t.ours!.map((x, i) => x / t.plain![i]!),
      "goal ≤ 1.1",
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
