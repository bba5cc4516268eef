// The router built from the specs: an operation the specs declare but no handler serves answers 501 naming
// it; a path no spec declares is the app server's 404; a bad token is 403 before any validation.
import { describe, expect, it } from "vitest";
import { route } from "../../src/sandbox/router.js";
import { loadApiTables } from "../../src/sandbox/spec.js";
import { createValidator } from "../../src/sandbox/validate.js";
import type { Token } from "../../src/sandbox/identity/tokens.js";

const tables = loadApiTables();
const compute = tables.find((t) => t.serviceType === "compute_v2")!;
const validator = createValidator(tables);
const token = { id: "t", userId: "u", projectId: "p" } as Token;
const deps = (valid: boolean) => ({
  table: compute,
  validator,
  handlers: new Map(),
  checkToken: () => (valid ? token : undefined),
  now: () => 0,
});
const req = (method: string, path: string, body = "") => ({
  method,
  path,
  query: new URLSearchParams(path.split("?")[1] ?? ""),
  headers: body ? { "content-type": "application/json" } : {},
  body: Buffer.from(body),
});

describe("router", () => {
  it("routes every operation of every spec, with path templates", () => {
    for (const t of tables) {
      for (const op of t.operations) {
        const path = op.template.replace(/\{[^}]+\}/g, "x");
        const found = t.find(op.method, path);
        expect(typeof found === "string" ? found : found.op.template, `${t.name} ${op.method} ${path}`).toBe(
          op.template,
        );
      }
    }
  });

  it("answers 501 NotImplementedError naming an operation without state", async () => {
    const r = await route(deps(true), req("POST", "/servers/x/reset"), "/servers/x/reset");
    expect(r.status).toBe(501);
    expect(r.body).toMatchObject({
      class: "NotImplementedError",
      code: 501,
      details: expect.stringContaining("resetServer"),
    });
  });

  it("is 403 for a bad token before validating, 404 for an unknown path, 400 for a bad body", async () => {
    const bad = '{"server": {"vcpu_count": "x"}}';
    expect((await route(deps(false), req("POST", "/servers", bad), "/servers")).body).toMatchObject({
      class: "ForbiddenError",
    });
    expect((await route(deps(true), req("GET", "/v2/servers"), "/v2/servers")).body).toMatchObject({
      class: "NotFoundError",
      details: "Handler not found",
    });
    expect((await route(deps(true), req("POST", "/servers", bad), "/servers")).body).toMatchObject({
      class: "InputParameterError",
    });
    expect((await route(deps(true), req("POST", "/servers", "{oops"), "/servers")).body).toMatchObject({
      class: "InputParameterError",
      details: "fail to decode request body",
    });
  });
});
