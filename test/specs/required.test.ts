// The `required` list of every create input, pinned to what Cloudpods' source and the recordings show, so a
// spec edit cannot silently drop (or add) a required field. Alternatives (`name` or `generate_name`) are
// anyOf branches and are listed as such.
import { beforeAll, describe, expect, it } from "vitest";
import { loadRecordings } from "./recordings.js";
import { loadValidator, type SpecValidator } from "./validator.js";

type Obj = Record<string, unknown>;

/** operationId → required fields of its input (inside the keyword wrapper), then anyOf alternatives. */
const CREATES: Record<string, Record<string, { all: string[]; anyOf?: string[][] }>> = {
  identity: {
    createUser: { all: ["name"] },
    createProject: { all: ["name"] },
    createDomain: { all: ["name"] },
    createRole: { all: ["name"] },
    createGroup: { all: ["name"] },
    // The region id is its name in the catalog (SRegionManager: the id is not generated).
    createRegion: { all: ["id"] },
    createService: { all: ["name", "type"] },
    createEndpoint: { all: ["interface", "service_id", "url", "region_id"] },
    createCredential: { all: ["type", "blob"] },
    createPolicy: { all: ["blob"] },
  },
  compute: {
    createServer: { all: [], anyOf: [["name"], ["generate_name"]] },
    createNetwork: { all: [] },
    createDisk: { all: [] },
    createZone: { all: [] },
    createStorage: { all: ["storage_type", "zone_id"] },
    createVpc: { all: [] },
    createWire: { all: [] },
    createSecgroup: { all: [] },
    createSecgroupRule: { all: ["secgroup_id", "protocol", "direction", "action"] },
    createElasticip: { all: [] },
    createServerSku: { all: [] },
    createKeypair: { all: [] },
  },
};

const specs: Record<string, SpecValidator> = {};
beforeAll(async () => {
  for (const api of ["identity", "compute", "image"]) specs[api] = await loadValidator(api);
});

function required(doc: Obj, schema: unknown): { all: string[]; anyOf?: string[][] } {
  const resolve = (n: unknown): Obj => {
    const ref = (n as Obj | undefined)?.$ref;
    if (typeof ref !== "string") return n as Obj;
    return resolve(
      ref
        .slice(2)
        .split("/")
        .reduce<unknown>((a, k) => (a as Obj)[k], doc),
    );
  };
  const s = resolve(schema);
  const all = [...((s.required as string[] | undefined) ?? [])];
  let anyOf: string[][] | undefined;
  for (const branch of (s.allOf as unknown[] | undefined) ?? []) {
    const r = required(doc, branch);
    all.push(...r.all);
    anyOf ??= r.anyOf;
  }
  if (Array.isArray(s.anyOf)) anyOf = s.anyOf.map((b) => required(doc, b).all);
  return anyOf ? { all, anyOf } : { all };
}

/** The create operations of a spec: POST on a top-level collection, with its input inside the keyword. */
function creates(doc: Obj): Record<string, { all: string[]; anyOf?: string[][] }> {
  const out: Record<string, { all: string[]; anyOf?: string[][] }> = {};
  for (const [p, item] of Object.entries(doc.paths as Obj)) {
    const op = (item as Obj).post as Obj | undefined;
    if (!op || p.split("/").length !== 2) continue;
    const media = ((op.requestBody as Obj | undefined)?.content as Obj | undefined)?.["application/json"];
    if (!media) continue;
    let body = (media as Obj).schema as Obj;
    while (typeof body.$ref === "string") body = resolveRef(doc, body.$ref) as Obj;
    const key = Object.keys((body.properties as Obj | undefined) ?? {}).find((k) => k !== "count")!;
    out[op.operationId as string] = required(doc, (body.properties as Obj)[key]);
  }
  return out;
}

const resolveRef = (doc: Obj, ref: string): unknown =>
  ref
    .slice(2)
    .split("/")
    .reduce<unknown>((a, k) => (a as Obj)[k], doc);

describe("create inputs", () => {
  it.each(Object.keys(CREATES))("%s: every create's required fields are the listed ones", (api) => {
    expect(creates(specs[api]!.document)).toEqual(CREATES[api]);
  });

  it("image create: the name is required by the server, with or without a JSON body", () => {
    // The recordings answer 400 "name: missing input field" for a create without a name (headers or
    // JSON alike). It cannot be a required header (generate_name may replace it), so the spec says it in
    // the parameter's description and createImage() refuses such an input before sending.
    const noName = loadRecordings().filter((r) =>
      /image\d?-\d+-image\d?-create-(header-)?no-name/.test(r.file),
    );
    expect(noName.map((r) => [r.response.status, (r.response.body as Obj).details])).toEqual([
      [400, "name: missing input field"],
      [400, "name: missing input field"],
    ]);
    const create = (specs.image!.document.paths as Obj)["/images"] as Obj;
    const params = JSON.stringify((create.post as Obj).parameters);
    expect(params).toContain("meta-name");
  });

  it("the check would catch a dropped required field", () => {
    const doc = structuredClone(specs.compute!.document);
    const rule = (doc.components as Obj).schemas as Obj;
    const standalone = rule.SecgroupRuleStandaloneCreateInput as { allOf: Obj[] };
    standalone.allOf[1]!.required = ["secgroup_id"];
    expect(creates(doc).createSecgroupRule).toEqual({ all: ["secgroup_id"] });
  });
});
