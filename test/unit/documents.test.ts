// The run-time reader of the bundled documents: every API of the manifest, by name or service type.
import { describe, expect, it } from "vitest";
import { CloudpodsError } from "../../src/errors.js";
import { listApis, loadDocument } from "../../src/openapi/documents.js";
import manifest from "../../generated/manifest.json" with { type: "json" };

describe("openapi documents", () => {
  it("lists every generated API with its catalog service type", () => {
    const apis = listApis();
    expect(apis.map((a) => a.api).sort()).toEqual(
      Object.values(manifest.outputs)
        .map((o) => o.api)
        .sort(),
    );
    expect(apis.find((a) => a.name === "compute")?.serviceType).toBe("compute_v2");
  });

  it("loads a document by short name or service type, the same object each time", () => {
    const doc = loadDocument("compute");
    expect(doc.paths["/servers"]).toBeDefined();
    expect(loadDocument("compute_v2")).toBe(doc);
  });

  it("an unknown API is a typed error naming the known ones", () => {
    expect(() => loadDocument("nope")).toThrow(CloudpodsError);
    expect(() => loadDocument("nope")).toThrow(/unknown API "nope" \(known: .*compute/);
  });
});
