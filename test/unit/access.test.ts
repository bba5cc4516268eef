import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAccess, parseTime } from "../../src/auth/access.js";
import { CloudpodsError } from "../../src/errors.js";
import { capture } from "../fixtures/captures.js";
import { tokenFixture } from "../fixtures/token.js";

const read = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");

describe("parseAccess: the real Cloudpods token response (AK/SK login, 2022)", () => {
  const text = read("cloudpods-token-response.json");
  const headers = Object.fromEntries(
    read("cloudpods-token-response.headers.txt")
      .split("\n")
      .slice(1)
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
  );
  const a = parseAccess(headers["x-subject-token"]!, text);

  it("reads token, times, user, project, roles and methods", () => {
    expect(a.token).toHaveLength(204); // Fernet-style (the fixture README says ~180; it is 204)
    expect(a.token).toBe(JSON.parse(text).id);
    expect(a.token.startsWith("gAAAAABiEnp7")).toBe(true);
    expect(a.expiresAt.toISOString()).toBe("2022-02-21T17:29:31.370Z");
    expect(a.issuedAt?.toISOString()).toBe("2022-02-20T17:29:31.370Z");
    expect(a.methods).toEqual(["aksk"]);
    expect(a.user).toEqual({
      id: "a09dbd66f37245518bb2b7984dca46bf",
      name: "sysadmin",
      domain: { id: "default", name: "Default" },
    });
    expect(a.project?.id).toBe("0e4416c837644f5a8f0d67c9930ff228");
    expect(a.project?.name).toBe("system");
    expect(a.isDomain).toBe(false);
    expect(a.domain).toBeUndefined();
    expect(a.roles).toEqual([{ id: "2c85811d739d4fca892b41df6bc0484b", name: "admin" }]);
  });

  it("keeps the catalog and the raw token (which holds the echoed AK/SK secret)", () => {
    expect(a.catalog).toHaveLength(24);
    const compute = a.catalog!.find((s) => s.type === "compute_v2");
    expect(compute?.endpoints.find((e) => e.interface === "public")?.url).toBe("https://10.211.55.9:30888");
    expect((a.raw.access_key as { secret: string }).secret).toBe(
      "OGVmTXNKQWpBWHpUejZTWDNKcndSdXlHQUNFeXhLVWI=",
    );
  });
});

describe("parseAccess: captured and built responses", () => {
  it("capture A (password, no catalog on a bare keystone) → catalog undefined", () => {
    const cap = capture("a-password-project");
    const a = parseAccess(cap.response.headers["X-Subject-Token"]!, cap.response.body);
    expect(a.catalog).toBeUndefined();
    expect(a.expiresAt.getTime()).toBe(Date.UTC(2026, 10, 24, 3, 54, 35, 840));
    expect(a.project?.domain).toEqual({ id: "default", name: "Default" });
  });

  it("Cloudpods domain scope: is_domain with the domain in `project`", () => {
    const dom = { id: "default", name: "Default" };
    const f = tokenFixture({ project: dom, isDomain: true });
    const a = parseAccess(f.token, f.text);
    expect(a.isDomain).toBe(true);
    expect(a.domain).toEqual(dom);
  });

  it("OpenStack domain scope (`token.domain`) and Fernet-style times", () => {
    const dom = { id: "d1", name: "Default" };
    const f = tokenFixture({ project: null, domain: dom, token: "gAAAAA".padEnd(183, "x") });
    f.body.token.expires_at = "2026-11-24T03:54:35.000000Z";
    const a = parseAccess(f.token, JSON.stringify(f.body));
    expect(a.domain).toEqual(dom);
    expect(a.project).toBeUndefined();
    expect(a.expiresAt.getTime()).toBe(Date.UTC(2026, 10, 24, 3, 54, 35));
  });

  it("unscoped token: no project, no roles, no catalog", () => {
    const f = tokenFixture({ project: null });
    const a = parseAccess(f.token, f.text);
    expect(a.project).toBeUndefined();
    expect(a.roles).toEqual([]);
    expect(a.catalog).toBeUndefined();
  });

  it("parseTime takes 0, 3 and 6 fractional digits and offsets", () => {
    expect(parseTime("2026-11-24T03:54:35Z")?.getTime()).toBe(Date.UTC(2026, 10, 24, 3, 54, 35));
    expect(parseTime("2026-11-24T03:54:35.8Z")?.getTime()).toBe(Date.UTC(2026, 10, 24, 3, 54, 35, 800));
    expect(parseTime("2026-11-24T03:54:35.840369Z")?.getTime()).toBe(Date.UTC(2026, 10, 24, 3, 54, 35, 840));
    expect(parseTime("2026-11-24T11:54:35+08:00")?.getTime()).toBe(Date.UTC(2026, 10, 24, 3, 54, 35));
    expect(parseTime("soon")).toBeUndefined();
    expect(parseTime(12)).toBeUndefined();
  });
});

describe("parseAccess: malformed bodies → CloudpodsError InvalidTokenResponse", () => {
  const f = tokenFixture();
  const cases: [string, string][] = [
    ["not JSON", "<html>proxy</html>"],
    ["no token object", '{"id":"x"}'],
    ["JSON null", "null"],
    ["no user", JSON.stringify({ token: { ...f.body.token, user: undefined } })],
    ["bad expires_at", JSON.stringify({ token: { ...f.body.token, expires_at: "tomorrow" } })],
  ];
  it.each(cases)("%s", (_, text) => {
    let err: unknown;
    try {
      parseAccess("t", text, { status: 200, requestId: "abc" });
    } catch (e) {
      err = e;
    }
    expect(CloudpodsError.isInstance(err)).toBe(true);
    expect(err).toMatchObject({ code: "InvalidTokenResponse", status: 200, requestId: "abc" });
  });

  it("never quotes the body (it can hold the AK/SK secret)", () => {
    const text = JSON.stringify({ token: { access_key: { secret: "S3CRET" }, expires_at: "never" } });
    expect(() => parseAccess("t", text)).toThrowError(
      expect.objectContaining({ message: expect.not.stringContaining("S3CRET") }),
    );
  });
});
