import { describe, expect, it } from "vitest";
import { loadCommands, type CommandSpec } from "../../../src/cli/commands.js";
import type { FlagSpec } from "../../../src/cli/flags.js";
import { buildRequest, callParts, queryString } from "../../../src/cli/request.js";

const commands = await loadCommands();
const cmd = (name: string): CommandSpec => commands.find((c) => c.name === name)!;
const values = (c: CommandSpec, v: Record<string, unknown>): Map<FlagSpec, unknown> =>
  new Map(
    c
      .shape()
      .flags.filter((f) => f.flag in v)
      .map((f) => [f, v[f.flag]]),
  );

describe("cli request building", () => {
  it("wraps body flags in the resource keyword and keeps top-level fields beside it", () => {
    const c = cmd("server-create");
    const parts = callParts(c, { pathArgs: [], values: values(c, { name: "a", "vcpu-count": 2, count: 3 }) });
    expect(parts.body).toEqual({ server: { name: "a", vcpu_count: 2 }, count: 3 });
  });

  it("merges flags over --body-json given with or without the wrapper", () => {
    const c = cmd("server-create");
    const v = values(c, { name: "b" });
    expect(
      callParts(c, { pathArgs: [], values: v, body: { server: { name: "x", hypervisor: "kvm" }, count: 2 } })
        .body,
    ).toEqual({
      server: { name: "b", hypervisor: "kvm" },
      count: 2,
    });
    expect(callParts(c, { pathArgs: [], values: v, body: { hypervisor: "kvm" } }).body).toEqual({
      server: { hypervisor: "kvm", name: "b" },
    });
  });

  it("fills every path parameter in order, encoded, and refuses a missing one", () => {
    const c = cmd("project-add-user");
    expect(callParts(c, { pathArgs: ["p 1", "u/1", "r1"], values: new Map() }).path).toBe(
      "/projects/p%201/users/u%2F1/roles/r1",
    );
    expect(() => callParts(c, { pathArgs: ["p"], values: new Map() })).toThrow(/missing argument <user_id>/);
  });

  it("repeats array query keys and refuses a body where the operation takes none", () => {
    expect(queryString({ status: ["a", "b"], limit: 2, skip: undefined })).toBe("?status=a&status=b&limit=2");
    const list = cmd("server-list");
    expect(() => callParts(list, { pathArgs: [], values: new Map(), body: {} })).toThrow(
      /takes no request body/,
    );
    const req = buildRequest(
      "GET",
      callParts(list, { pathArgs: [], values: values(list, { status: ["x"] }) }),
    );
    expect(new URL(req.url).search).toBe("?status=x");
  });
});
