// Table-driven: each case is a spec under cases/, its whole generated file a snapshot under __snapshots__/.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generateApi } from "../../scripts/lib/pipeline.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const rel = (p: string) => path.relative(root, path.join(here, p)).split(path.sep).join("/");

const cases: [name: string, { given: string; want: RegExp[] }][] = [
  [
    "minimal",
    {
      given: "cases/minimal.yaml",
      want: [
        /export type ServerDetails = components\["schemas"\]\["ServerDetails"\];/,
        /"\/servers": "servers"/,
      ],
    },
  ],
  [
    "names",
    {
      given: "cases/names.yaml",
      want: [
        /export type SchemaError = /,
        /export type SimpleUser2 = components\["schemas"\]\["simple-user"\]/,
        /"users\/list": \{/,
        /"\/role_assignments": "role_assignments"/,
      ],
    },
  ],
  [
    "multi-file",
    {
      given: "cases/multi-file/root.yaml",
      want: [
        /\(one hash over the spec and the files it references: .*cases\/multi-file\/root\.yaml, .*components\/lists\.yaml\)/,
      ],
    },
  ],
];

describe("generator pipeline", () => {
  it.each(cases)("%s", async (name, { given, want }) => {
    const result = await generateApi(root, {
      name: `${name}@v1`,
      shortName: name,
      version: "v1",
      root: rel(given),
      output: `x/${name}.ts`,
      serviceType: name,
    });
    for (const re of want) expect(result.text).toMatch(re);
    await expect(result.text).toMatchFileSnapshot(`__snapshots__/${name}.ts.snap`);
  });

  it("does not treat a bare array response as a list", async () => {
    const result = await generateApi(root, {
      name: "n@v1",
      shortName: "n",
      version: "v1",
      root: rel("cases/names.yaml"),
      output: "x/n.ts",
      serviceType: "n",
    });
    expect(result.summary.lists.map((l) => l.path)).toEqual(["/role_assignments"]);
  });
});
