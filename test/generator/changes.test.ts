// The change report: table-driven over small spec edits, each reported as it should be (and marked BREAKING
// only when a caller's code can break), then through `generate` itself on a scratch copy of a spec.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generate } from "../../scripts/generate.js";
import { compareDocuments, fingerprints, formatChanges, type Change } from "../../scripts/lib/changes.js";

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- edited freely below

const json = (ref: string) => ({
  description: "ok",
  content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } },
});

function base(): Doc {
  return {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    paths: {
      "/servers": {
        get: {
          operationId: "listServers",
          summary: "List servers",
          parameters: [{ name: "limit", in: "query", schema: { type: "integer" } }],
          responses: { "200": json("ServerList") },
        },
        post: {
          operationId: "createServer",
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["server"],
                  properties: { server: { $ref: "#/components/schemas/ServerCreateInput" } },
                },
              },
            },
          },
          responses: { "200": json("ServerDetails") },
        },
      },
      "/servers/{id}": {
        get: {
          operationId: "getServer",
          description: "Returns one server.",
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string" } },
            { name: "details", in: "query", schema: { type: "boolean" } },
          ],
          responses: { "200": json("ServerDetails") },
        },
      },
    },
    components: {
      schemas: {
        ServerDetails: {
          type: "object",
          description: "A server.",
          properties: {
            id: { type: "string" },
            name: { type: "string", example: "web-01" },
            status: { type: "string" },
            vcpu_count: { type: "number" },
          },
        },
        ServerList: {
          type: "object",
          properties: {
            servers: { type: "array", items: { $ref: "#/components/schemas/ServerDetails" } },
            total: { type: "integer" },
          },
        },
        ServerCreateInput: {
          type: "object",
          required: ["name"],
          properties: {
            name: { type: "string" },
            vcpu_count: { type: "integer" },
            hypervisor: { type: "string" },
          },
        },
      },
    },
  };
}

const S = (d: Doc) => d.components.schemas;
const cases: [name: string, edit: (d: Doc) => void, want: Change[]][] = [
  [
    "a description, summary and example edit is no change",
    (d) => {
      d.paths["/servers/{id}"].get.description = "Returns one server, by id or name.";
      d.paths["/servers"].get.summary = "List all servers";
      S(d).ServerDetails.description = "A virtual machine.";
      S(d).ServerDetails.properties.name.example = "db-01";
    },
    [],
  ],
  [
    "a response field removed",
    (d) => delete S(d).ServerDetails.properties.name,
    [{ breaking: true, where: "schema ServerDetails", what: "field `name` removed" }],
  ],
  [
    "a request field's type narrowed",
    (d) => (S(d).ServerCreateInput.properties.hypervisor = { type: "string", enum: ["kvm", "esxi"] }),
    [
      {
        breaking: true,
        where: "schema ServerCreateInput",
        what: 'field `hypervisor` narrowed string → "kvm" | "esxi"',
      },
    ],
  ],
  [
    "a response field's type narrowed (callers still read what they expect)",
    (d) => (S(d).ServerDetails.properties.vcpu_count = { type: "integer" }),
    [
      {
        breaking: false,
        where: "schema ServerDetails",
        what: "field `vcpu_count` narrowed number → integer",
      },
    ],
  ],
  [
    "a response field's type widened",
    (d) => (S(d).ServerDetails.properties.status = { type: ["string", "null"] }),
    [
      {
        breaking: true,
        where: "schema ServerDetails",
        what: "field `status` widened string → string | null",
      },
    ],
  ],
  [
    "a response field retyped",
    (d) => (S(d).ServerDetails.properties.status = { type: "integer" }),
    [{ breaking: true, where: "schema ServerDetails", what: "field `status` retyped string → integer" }],
  ],
  [
    "an optional parameter made required",
    (d) => (d.paths["/servers/{id}"].get.parameters[1].required = true),
    [{ breaking: true, where: "GET /servers/{id}", what: "query parameter `details` made required" }],
  ],
  [
    "an optional parameter added, a parameter removed",
    (d) => {
      d.paths["/servers"].get.parameters = [{ name: "offset", in: "query", schema: { type: "integer" } }];
    },
    [
      { breaking: false, where: "GET /servers", what: "optional query parameter `offset` added" },
      { breaking: true, where: "GET /servers", what: "query parameter `limit` removed" },
    ],
  ],
  [
    "an operation renamed (operationId)",
    (d) => (d.paths["/servers"].get.operationId = "listAllServers"),
    [{ breaking: true, where: "GET /servers", what: "operationId renamed listServers → listAllServers" }],
  ],
  [
    "an operation moved to another path",
    (d) => {
      d.paths["/instances/{id}"] = d.paths["/servers/{id}"];
      delete d.paths["/servers/{id}"];
    },
    [
      {
        breaking: true,
        where: "GET /instances/{id}",
        what: "operation getServer moved from GET /servers/{id}",
      },
    ],
  ],
  [
    "an operation added, another removed",
    (d) => {
      d.paths["/servers/{id}"].delete = {
        operationId: "deleteServer",
        responses: { "200": json("ServerDetails") },
      };
      delete d.paths["/servers"].post;
    },
    [
      { breaking: false, where: "DELETE /servers/{id}", what: "operation added (deleteServer)" },
      { breaking: true, where: "POST /servers", what: "operation removed (createServer)" },
    ],
  ],
  [
    "request fields added: required breaks callers, optional does not",
    (d) => {
      S(d).ServerCreateInput.properties.zone = { type: "string" };
      S(d).ServerCreateInput.properties.image_id = { type: "string" };
      S(d).ServerCreateInput.required.push("image_id");
    },
    [
      { breaking: false, where: "schema ServerCreateInput", what: "optional field `zone` added" },
      { breaking: true, where: "schema ServerCreateInput", what: "required field `image_id` added" },
    ],
  ],
  [
    "a required field added to an inline request body; a response field made required",
    (d) => {
      S(d).ServerDetails.required = ["id"];
      const body = d.paths["/servers"].post.requestBody.content["application/json"].schema;
      body.properties.count = { type: "integer" };
      body.required.push("count");
    },
    [
      { breaking: true, where: "POST /servers", what: "required request body field `count` added" },
      { breaking: false, where: "schema ServerDetails", what: "field `id` made required" },
    ],
  ],
  [
    "a schema removed (its exported type alias goes) and the response inlined",
    (d) => {
      d.paths["/servers"].get.responses["200"].content["application/json"].schema = { type: "object" };
      delete S(d).ServerList;
    },
    [
      { breaking: true, where: "GET /servers", what: "response 200 retyped ServerList → object" },
      { breaking: true, where: "schema ServerList", what: "removed" },
    ],
  ],
];

describe("compareDocuments", () => {
  it.each(cases)("%s", (_name, edit, want) => {
    const before = base();
    const after = base();
    edit(after);
    const got = compareDocuments({ doc: before, fingerprints: fingerprints(before) }, after);
    const order = (list: Change[]) =>
      [...list].sort((a, b) => (a.where + a.what < b.where + b.what ? -1 : 1));
    expect(order(got)).toEqual(order(want));
  });

  it("a description edit leaves every fingerprint as it was", () => {
    const after = base();
    cases[0]![1](after);
    expect(fingerprints(after)).toEqual(fingerprints(base()));
  });

  it("with fingerprints but no previous document it still names what changed, as BREAKING to review", () => {
    const after = base();
    delete S(after).ServerDetails.properties.name;
    const got = compareDocuments({ fingerprints: fingerprints(base()) }, after);
    expect(got).toEqual([
      { breaking: true, where: "schema ServerDetails", what: "changed (no previous document to tell how)" },
    ]);
  });

  it("the first generate (nothing before) reports nothing", () => {
    expect(compareDocuments({}, base())).toEqual([]);
  });

  it("formats BREAKING first, one line each", () => {
    const lines = formatChanges("demo@v1", "generated/demo.openapi.json", [
      { breaking: false, where: "GET /a", what: "operation added (a)" },
      { breaking: true, where: "GET /b", what: "operation removed (b)" },
    ]);
    expect(lines).toEqual([
      "demo@v1: 2 API change(s) since generated/demo.openapi.json, 1 BREAKING",
      "  BREAKING  GET /b: operation removed (b)",
      "            GET /a: operation added (a)",
    ]);
    expect(formatChanges("demo@v1", "x", [])).toEqual(["demo@v1: no API changes since x"]);
  });
});

describe("npm run generate prints the report", () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  let root = "";
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const code = await generate(argv, { root, log: (l) => out.push(l), error: (l) => out.push(l) });
    return { code, out: out.join("\n") };
  };
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "cpsdk-changes-"));
    await cp(path.join(here, "cases/multi-file"), path.join(root, "specs"), { recursive: true });
    await writeFile(
      path.join(root, "redocly.yaml"),
      "apis:\n  demo@v1:\n    root: specs/root.yaml\n    x-openapi-ts:\n      output: generated/demo.ts\n",
    );
    expect((await run()).code).toBe(0);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("names a removed field as BREAKING; --check stays a pure drift check; a rerun reports nothing", async () => {
    const spec = path.join(root, "specs/root.yaml");
    const text = await readFile(spec, "utf8");
    await writeFile(
      spec,
      text.replace("guest_ip_start:\n          type: string", "gateway:\n          type: string"),
    );
    const check = await run("--check");
    expect(check.code).toBe(1);
    expect(check.out).not.toMatch(/API change/);
    const { code, out } = await run();
    expect(code).toBe(0);
    expect(out).toContain("demo@v1: 2 API change(s) since generated/demo.openapi.json, 1 BREAKING");
    expect(out).toContain("BREAKING  schema NetworkDetails: field `guest_ip_start` removed");
    expect(out).toContain("schema NetworkDetails: optional field `gateway` added");
    const manifest = JSON.parse(await readFile(path.join(root, "generated/manifest.json"), "utf8")) as {
      outputs: Record<
        string,
        { fingerprints: { operations: Record<string, string>; schemas: Record<string, string> } }
      >;
    };
    const recorded = manifest.outputs["generated/demo.ts"]!.fingerprints;
    expect(Object.keys(recorded.operations)).toEqual(["GET /networks"]);
    expect(Object.keys(recorded.schemas).sort()).toEqual([
      "ListMeta",
      "NetworkDetails",
      "NetworkListResponse",
    ]);
    expect((await run()).out).toContain("demo@v1: no API changes since generated/demo.openapi.json");
  });
});
