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
import { print, sideBySide, timeOnce } from "./stats.js";

const root = path.resolve(import.meta.dirname, "..");
const GITHUB = "node_modules/@octokit/openapi/generated/api.github.com.json";

async function compare(label: string, api: ApiEntry, runs: number, strict: boolean, outDir: string) {
  const result = await sideBySide(runs, {
    plain: async () =>
      astToString(await openapiTS(pathToFileURL(path.join(root, api.root)), { silent: true })),
    // The full pipeline including the atomic write (into a scratch folder, not generated/).
    ours: async () => {
      const r = await generateApi(root, api, strict);
      await writeOutputs(outDir, [{ path: `${api.shortName}.ts`, text: r.text }]);
    },
  });
  print(`generate.${label}.plain_openapi_typescript_ms`, Math.round(result.plain!));
  print(`generate.${label}.ours_ms`, Math.round(result.ours!));
  print(`generate.${label}.ratio`, result.ours! / result.plain!, "x (goal ≤ 1.3 on github)");
}

export async function benchGenerator(quick: boolean): Promise<void> {
  // Inside the repository so the consumer file resolves openapi-fetch from node_modules.
  await mkdir(path.join(root, "node_modules/.cache"), { recursive: true });
  const scratch = await mkdtemp(path.join(root, "node_modules/.cache/cpsdk-bench-gen-"));
  try {
    for (const api of await loadApis(root)) await compare(api.shortName, api, quick ? 3 : 7, true, scratch);
    const github: ApiEntry = {
      name: "github@v3",
      shortName: "github",
      serviceType: "github",
      version: "v3",
      root: GITHUB,
      output: "github.ts",
    };
    await compare("github", github, quick ? 1 : 3, false, scratch);

    // A consumer that touches both generated files, type-checked alone.
    await writeFile(
      path.join(scratch, "consumer.ts"),
      [
        `import createClient from "openapi-fetch";`,
        `import type { paths as Compute } from ${JSON.stringify(path.join(root, "generated/compute.js"))};`,
        `import type { paths as Identity } from ${JSON.stringify(path.join(root, "generated/identity.js"))};`,
        `const compute = createClient<Compute>({ baseUrl: "https://c.invalid" });`,
        `const identity = createClient<Identity>({ baseUrl: "https://k.invalid/v3" });`,
        `export async function f() {`,
        `  const { data } = await compute.GET("/servers", { params: { query: { limit: 10 } } });`,
        `  const u = await identity.GET("/users/{user_id}", { params: { path: { user_id: "u" } } });`,
        `  return [data?.servers?.[0]?.name, u.data?.user?.name];`,
        `}`,
      ].join("\n"),
    );
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    const args = [
      "--noEmit",
      "--strict",
      "--skipLibCheck",
      "--module",
      "nodenext",
      "--target",
      "es2022",
      path.join(scratch, "consumer.ts"),
    ];
    const ms = await timeOnce(() => promisify(execFile)(process.execPath, [tsc, ...args], { cwd: root }));
    print("tsc.consumer_noEmit_ms", Math.round(ms));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
