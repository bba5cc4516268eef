import { describe, expect, it } from "vitest";
import { createCloudpods, type CloudpodsOptions } from "../../src/client.js";
import { CloudpodsError, TimeoutError } from "../../src/errors.js";
import { service, tokenFixture } from "../fixtures/token.js";

const AUTH_URL = "https://ks.test:30500/v3";
const CATALOG = [
  service("compute_v2", { public: "https://r1.test:30888" }, "region1"),
  service("compute_v2", { public: "https://r0.test:30888" }, "region0"),
  service("compute_v2", { public: "https://r0z.test:30888" }, "region0"),
  service("identity", { public: AUTH_URL }, "region0"),
];

interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
  signal: AbortSignal;
}

/** Keystone + compute on one fake fetch; logins answer after a tick so concurrent callers overlap. */
function fake(
  o: Partial<CloudpodsOptions> = {},
  compute: (s: Seen) => Response | Promise<Response> = () => Response.json({ servers: [] }),
) {
  const seen: Seen[] = [];
  const logins: Seen[] = [];
  const cp = createCloudpods({
    authUrl: AUTH_URL,
    credentials: { username: "sysadmin", password: "pw-derived-1" },
    project: { name: "system" },
    sleep: async () => {},
    ...o,
    fetch: async (req) => {
      const s = {
        method: req.method,
        url: req.url,
        headers: new Headers(req.headers),
        body: await req.text(),
        signal: req.signal,
      };
      if (s.url.endsWith("/auth/tokens")) {
        logins.push(s);
        await new Promise((r) => setTimeout(r, 1));
        const scope = (JSON.parse(s.body) as { auth: { scope?: { project?: { name?: string } } } }).auth
          .scope;
        const name = scope?.project?.name ?? "system";
        return tokenFixture({
          token: `tok-${logins.length}-${name}`.padEnd(64, "0"),
          issuedAt: Date.now(),
          project: { id: `${name}-id`, name },
          catalog: CATALOG,
        }).response();
      }
      seen.push(s);
      return compute(s);
    },
  });
  return { cp, seen, logins };
}

const list = (cp: ReturnType<typeof fake>["cp"]) => cp.compute.GET("/servers");

describe("cp.with", () => {
  it("shares one login (one in flight) and changes only the defaults", async () => {
    const { cp, seen, logins } = fake();
    const r1 = cp.with({ region: "region1" });
    await Promise.all([list(cp), list(r1), list(r1.with({ lang: "en" }))]);
    expect(logins).toHaveLength(1);
    expect(seen.map((s) => new URL(s.url).host).sort()).toEqual([
      "r0.test:30888",
      "r1.test:30888",
      "r1.test:30888",
    ]);
    expect(new Set(seen.map((s) => s.headers.get("x-auth-token"))).size).toBe(1);
    expect(seen.map((s) => s.headers.get("x-yunion-lang"))).toContain("en");
  });

  it("applies headers, lang, timeoutMs and retry to its requests only", async () => {
    let calls = 0;
    const { cp, seen } = fake({ lang: "zh-CN" }, async (s) => {
      calls++;
      if (s.url.includes("stall")) {
        // Never answers; gives up only when the transport aborts it.
        return new Promise<Response>((_r, reject) =>
          s.signal.addEventListener("abort", () => reject(s.signal.reason as Error)),
        );
      }
      return s.url.includes("busy") ? new Response("busy", { status: 503 }) : Response.json({ servers: [] });
    });
    const d = cp.with({ headers: { "X-Trace": "t1" }, lang: "en", retry: false });
    await list(d);
    await list(cp);
    expect(seen[0]!.headers.get("x-trace")).toBe("t1");
    expect(seen[0]!.headers.get("x-yunion-lang")).toBe("en");
    expect(seen[1]!.headers.get("x-trace")).toBeNull();
    expect(seen[1]!.headers.get("x-yunion-lang")).toBe("zh-CN");
    // retry: false → the 503 comes back after one attempt; the base client retries twice more.
    calls = 0;
    await d.compute.GET("/servers", { params: { query: { search: "busy" } } });
    expect(calls).toBe(1);
    calls = 0;
    await cp.compute.GET("/servers", { params: { query: { search: "busy" } } });
    expect(calls).toBe(3);
    // A short per-request timeout through with().
    const quick = cp.with({ timeoutMs: 20 });
    const e = await quick.compute
      .GET("/servers", { params: { query: { search: "stall" } } })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e as Error).message).toMatch(/timed out after 20 ms$/);
  });

  it("refuses unknown options and bad values with InvalidConfig naming the key", () => {
    const { cp } = fake();
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return CloudpodsError.isInstance(e) ? `${e.code}: ${e.message}` : String(e);
      }
      return "no error";
    };
    expect(code(() => cp.with({ regoin: "x" } as never))).toBe("InvalidConfig: with: unknown option regoin");
    expect(code(() => cp.with({ timeoutMs: -1 }))).toMatch(/^InvalidConfig: with: timeoutMs/);
    expect(code(() => cp.with({ headers: { "X-Auth-Token": "t" } }))).toMatch(
      /X-Auth-Token is set by the login/,
    );
    expect(code(() => cp.withProject({ name: "" }))).toMatch(/^InvalidConfig: withProject/);
    expect(code(() => cp.withProject({ id: "a", name: "b" } as never))).toMatch(
      /^InvalidConfig: withProject/,
    );
  });
});

describe("cp.withProject", () => {
  it("rescopes with one token login from the current token, then reuses it", async () => {
    const { cp, seen, logins } = fake();
    await list(cp);
    const other = cp.withProject({ name: "other", domain: "Default" });
    await Promise.all([list(other), list(other)]);
    await list(other);
    expect(logins).toHaveLength(2);
    const body = JSON.parse(logins[1]!.body) as { auth: Record<string, Record<string, unknown>> };
    expect(body.auth.identity).toEqual({ methods: ["token"], token: { id: "tok-1-system".padEnd(64, "0") } });
    expect(body.auth.scope).toEqual({ project: { name: "other", domain: { name: "Default" } } });
    expect(seen.map((s) => s.headers.get("x-auth-token")?.slice(0, 11))).toEqual([
      "tok-1-syste",
      "tok-2-other",
      "tok-2-other",
      "tok-2-other",
    ]);
    expect((await other.auth.getAccess()).project?.name).toBe("other");
    expect((await cp.auth.getAccess()).project?.name).toBe("system");
    // The rescoped client hides both tokens and the password.
    expect(other.auth.secrets()).toEqual(
      expect.arrayContaining(["pw-derived-1", "tok-1-system".padEnd(64, "0")]),
    );
  });
});

describe("cp.withProject and stale tokens", () => {
  it("treats a 403 on an old rescoped token like a 401: one more token login, then the retry", async () => {
    let t = Date.now();
    let forbidden = 1;
    const { cp, seen, logins } = fake({ now: () => t }, () =>
      forbidden-- > 0
        ? Response.json(
            { code: 403, class: "ForbiddenError", details: "not enough privilege" },
            { status: 403 },
          )
        : Response.json({ servers: [] }),
    );
    const other = cp.withProject({ name: "other", domain: "Default" });
    await cp.auth.getAccess();
    await other.auth.getAccess();
    expect(logins).toHaveLength(2);
    t += 61_000;
    const r = await list(other);
    expect(r.response.status).toBe(200);
    expect(logins).toHaveLength(3);
    expect(seen.map((s) => s.headers.get("x-auth-token")?.slice(0, 11))).toEqual([
      "tok-2-other",
      "tok-3-other",
    ]);
  });
});

describe("cp.regions", () => {
  it("lists the catalog's regions for a service, sorted and distinct", async () => {
    const { cp } = fake();
    expect(await cp.regions()).toEqual(["region0", "region1"]);
    expect(await cp.regions("compute")).toEqual(["region0", "region1"]);
    expect(await cp.regions("identity")).toEqual(["region0"]);
    expect(await cp.regions("image")).toEqual([]);
  });
});
