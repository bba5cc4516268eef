// Cloudpods answers a revoked, expired or unknown token on a resource call with 403 ForbiddenError, the same
// body as a real permission denial (recorded: test/fixtures/cloudpods-403-forbidden.json); only the login
// answers 401. The session's rule: a 403 on a token ≥ 60 s old by the client's clock is re-checked once
// (one shared login, one retry with the same body); a younger token's 403 is returned as is.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createCloudpods } from "../../src/index.js";
import { FIXTURE_NOW, service, tokenFixture } from "../fixtures/token.js";

const FORBIDDEN = JSON.parse(readFileSync("test/fixtures/cloudpods-403-forbidden.json", "utf8")) as {
  status: number;
  headers: Record<string, string>;
  body: unknown;
};
const COMPUTE = "https://region.example:30888";
const SERVERS = { servers: [{ id: "s1" }], total: 1 };

/**
 * A fake Cloudpods: logins issue numbered tokens; a resource call with a token it does not know (revoked,
 * expired early, never issued) or by a user without the privilege gets the recorded 403, byte for byte.
 */
function fakeCloudpods(clock: { now: number }) {
  const valid = new Set<string>();
  const state = { logins: 0, denied: false, calls: [] as { method: string; token: string; body: string }[] };
  const fetch = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    if (url.pathname === "/v3/auth/tokens") {
      const token = `token-${++state.logins}`;
      valid.add(token);
      // The server's clock: issued now, valid a day (the client anchors the age to its own clock).
      return tokenFixture({
        token,
        issuedAt: clock.now,
        catalog: [service("compute_v2", { public: COMPUTE })],
      }).response();
    }
    const token = req.headers.get("x-auth-token") ?? "";
    state.calls.push({ method: req.method, token, body: await req.text() });
    if (!valid.has(token) || state.denied) {
      return new Response(JSON.stringify(FORBIDDEN.body), { status: 403, headers: FORBIDDEN.headers });
    }
    return new Response(JSON.stringify(req.method === "POST" ? { server: { id: "s2" } } : SERVERS), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  };
  return { fetch, state, revokeAll: () => valid.clear() };
}

function setup() {
  const clock = { now: FIXTURE_NOW };
  const fake = fakeCloudpods(clock);
  const cp = createCloudpods({
    authUrl: "https://keystone.example:30500/v3",
    credentials: { username: "sysadmin", password: "pw", domain: "Default" },
    project: { name: "system", domain: "Default" },
    fetch: fake.fetch,
    now: () => clock.now,
    retry: false,
  });
  const later = (ms: number) => void (clock.now += ms);
  return { cp, ...fake, later };
}

describe("403 on a stale token", () => {
  it("re-logs in once and retries a revoked token's call when the token is ≥ 60 s old", async () => {
    const { cp, state, revokeAll, later } = setup();
    expect((await cp.compute.GET("/servers")).data).toEqual(SERVERS);
    revokeAll();
    later(60_000);
    const r = await cp.compute.GET("/servers");
    expect([r.response.status, r.data]).toEqual([200, SERVERS]);
    expect(state.logins).toBe(2);
    expect(state.calls.map((c) => c.token)).toEqual(["token-1", "token-1", "token-2"]);
  });

  it("replays a POST once with the same body bytes", async () => {
    const { cp, state, revokeAll, later } = setup();
    await cp.compute.GET("/servers");
    revokeAll();
    later(120_000);
    const body = { server: { name: "vm1", vcpu_count: 1, vmem_size: 1024 } };
    const r = await cp.compute.POST("/servers", { body });
    expect(r.response.status).toBe(200);
    const posts = state.calls.filter((c) => c.method === "POST");
    expect(posts.map((c) => c.token)).toEqual(["token-1", "token-2"]);
    expect(posts[0]!.body).toBe(JSON.stringify(body));
    expect(posts[1]!.body).toBe(posts[0]!.body);
  });

  it("returns a younger token's 403 as is: no login, no retry", async () => {
    const { cp, state, revokeAll, later } = setup();
    await cp.compute.GET("/servers");
    revokeAll();
    later(59_999);
    const r = await cp.compute.GET("/servers");
    expect(r.response.status).toBe(403);
    expect(r.error).toMatchObject({ class: "ForbiddenError", code: 403 });
    expect(state.logins).toBe(1);
    expect(state.calls).toHaveLength(2);
  });

  it("costs a real denial at most one extra login per token, never a loop or a login per call", async () => {
    const { cp, state, later } = setup();
    await cp.compute.GET("/servers");
    state.denied = true;
    later(61_000);
    // Token 1 is old: re-checked with token 2, whose (young) 403 is returned.
    expect((await cp.compute.GET("/servers")).response.status).toBe(403);
    expect(state.logins).toBe(2);
    // Token 2 is young: further denials are returned at once.
    for (let i = 0; i < 5; i++) expect((await cp.compute.GET("/servers")).response.status).toBe(403);
    expect(state.logins).toBe(2);
    expect(state.calls).toHaveLength(1 + 2 + 5);
    // Once token 2 is old, one more re-check, then quiet again.
    later(60_000);
    for (let i = 0; i < 3; i++) expect((await cp.compute.GET("/servers")).response.status).toBe(403);
    expect(state.logins).toBe(3);
  });

  it("shares one login between requests failing together", async () => {
    const { cp, state, revokeAll, later } = setup();
    await cp.compute.GET("/servers");
    revokeAll();
    later(300_000);
    const all = await Promise.all([...Array(20).keys()].map(() => cp.compute.GET("/servers")));
    expect(all.map((r) => r.response.status)).toEqual(Array(20).fill(200));
    expect(state.logins).toBe(2);
  });

  it("keeps the 401 path whatever the token's age (OpenStack Keystone and proxies send 401)", async () => {
    const clock = { now: FIXTURE_NOW };
    const fake = fakeCloudpods(clock);
    let first = true;
    const cp = createCloudpods({
      authUrl: "https://keystone.example:30500/v3",
      credentials: { username: "sysadmin", password: "pw", domain: "Default" },
      project: { name: "system", domain: "Default" },
      now: () => clock.now,
      retry: false,
      fetch: async (req) => {
        if (!req.url.includes("/auth/tokens") && first) {
          first = false;
          return new Response('{"error":{"code":401,"title":"Unauthorized","message":"expired"}}', {
            status: 401,
            headers: { "content-type": "application/json" },
          });
        }
        return fake.fetch(req);
      },
    });
    expect((await cp.compute.GET("/servers")).data).toEqual(SERVERS);
    expect(fake.state.logins).toBe(2);
  });
});
