import { describe, expect, it } from "vitest";
import {
  fitColumns,
  listColumns,
  outputFormatFrom,
  renderList,
  renderObject,
  unwrap,
} from "../../../src/cli/output.js";

const items = [
  {
    id: "3f6e1c2a-8d1b-4c55-9a9e-0a1b2c3d4e5f",
    status: "running",
    name: "web-1",
    hypervisor: "kvm",
    zone: "zone0",
    nested: { a: 1 },
  },
  {
    id: "77aa01bc-5e2f-4f0a-8c1d-9e8f7a6b5c4d",
    name: "db-1",
    status: "ready",
    hypervisor: "kvm",
    extra: "x",
  },
];

describe("cli output", () => {
  it("puts id, name, status first and leaves nested values out of list columns", () => {
    expect(listColumns(items)).toEqual(["id", "name", "status", "hypervisor", "zone", "extra"]);
  });

  it("keeps only the columns that fit the width, and every line of the table fits it", async () => {
    expect(fitColumns(items, listColumns(items), 60)).toEqual(["id", "name", "status"]);
    const wide = fitColumns(items, listColumns(items), 200);
    expect(wide).toHaveLength(6);
    for (const width of [50, 60, 80]) {
      const out = await renderList(items, { format: "table", width });
      const lines = out.split("\n").filter((l) => l.startsWith("│") || l.startsWith("┌"));
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
    }
    // The first column stays even when it alone is wider than the terminal.
    expect(fitColumns(items, ["id", "name"], 10)).toEqual(["id"]);
  });

  it("prints json lists as arrays, objects without their wrapper, kv lines, yaml", async () => {
    expect(JSON.parse(await renderList(items, { format: "json", width: 80 }))).toEqual(items);
    expect(unwrap({ server: { id: "a" } })).toEqual({ id: "a" });
    expect(unwrap({ servers: [], total: 0 })).toEqual({ servers: [], total: 0 });
    expect(await renderObject({ id: "a", n: { b: 1 } }, { format: "kv", width: 80 })).toBe(
      'id: a\nn: {"b":1}\n',
    );
    expect(await renderObject({ id: "a" }, { format: "yaml", width: 80 })).toBe("id: a\n");
    expect(await renderList([], { format: "table", width: 80 })).toBe("***  Total: 0  ***\n");
  });

  it("reads CLIMC_OUTPUT_FORMAT, climc's flatten-* names included", () => {
    expect(outputFormatFrom("json")).toBe("json");
    expect(outputFormatFrom("flatten-table")).toBe("table");
    expect(outputFormatFrom("KV")).toBe("kv");
    expect(outputFormatFrom("xml")).toBeUndefined();
    expect(outputFormatFrom(undefined)).toBeUndefined();
  });
});
