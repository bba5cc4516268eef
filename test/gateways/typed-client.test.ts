// createTypedClient and the auth contract as the session drives it: authorize() on every attempt with the
// final URL and body, invalidate() deciding the 401 replay, checkResponse() on the final answer, bind() once.
import { describe, expect, it } from "vitest";
import type { AuthEnv, AuthPlugin, AuthorizeContext } from "../../src/auth/types.js";
import { CloudpodsError } from "../../src/errors.js";
import { createTypedClient } from "../../src/typed-client.js";

type Json = { content: { "application/json": Record<string, unknown> } };
interface Paths {
  "/things": {
    get: { responses: { 200: Json } };
    post: { requestBody: Json; responses: { 200: Json } };
  };
}

interface Seen {
  url: string;
  attempt: number;
  body: string | null;
  access: number;
}

function plugin(replay: boolean) {
  let generation = 1;
  const seen: Seen[] = [];
  const envs: AuthEnv[] = [];
  const checked: number[] = [];
  const auth: AuthPlugin<number> = {
    getAccess: async () => generation,
    authorize: (req: Request, ctx: AuthorizeContext<number>) => {
      seen.push({
        url: ctx.url,
        attempt: ctx.attempt,
        body: ctx.body && new TextDecoder().decode(ctx.body),
        access: ctx.access,
      });
      req.headers.set("X-Sig", `${ctx.access}/${ctx.attempt}`);
    },
    invalidate: (failed) => {
      if (failed === generation) generation++;
      return replay;
    },
    secrets: () => ["never-shown"],
    checkResponse: (res) => {
      checked.push(res.status);
      if (res.status === 418) throw new CloudpodsError("teapot", "Teapot");
      return res;
    },
    bind: (env) => void envs.push(env),
  };
  return { auth, seen, envs, checked };
}

function server(...statuses: number[]) {
  const sent: { url: string; sig: string | null; ua: string | null; body: string }[] = [];
  const fetch = async (req: Request) => {
    sent.push({
      url: req.url,
      sig: req.headers.get("x-sig"),
      ua: req.headers.get("user-agent"),
      body: await req.text(),
    });
    const status = statuses.shift() ?? 200;
    return new Response(JSON.stringify({ status }), {
      status,
      headers: { "content-type": "application/json" },
    });
  };
  return { sent, fetch };
}

const opts = { random: () => 0, sleep: async () => {} };

describe("createTypedClient and the auth contract", () => {
  it("authorizes every attempt (transport retries and the 401 replay) with the final URL and body", async () => {
    const { auth, seen, checked } = plugin(true);
    const s = server(503, 401, 200);
    const api = createTypedClient<Paths, number>({
      baseUrl: "https://gw.example.test/",
      pathPrefix: "/clusters/c1",
      auth,
      fetch: s.fetch,
      retry: { methods: ["GET", "PUT"] },
      ...opts,
    });
    expect((await api.GET("/things")).response.status).toBe(200);
    expect(seen.map((x) => [x.attempt, x.access])).toEqual([
      [0, 1],
      [1, 1],
      [2, 2],
    ]);
    expect(new Set(seen.map((x) => x.url))).toEqual(new Set(["https://gw.example.test/clusters/c1/things"]));
    expect(s.sent.map((x) => x.sig)).toEqual(["1/0", "1/1", "2/2"]);
    expect(checked).toEqual([200]);
  });

  it("hands the exact body bytes to authorize, the same on the replay", async () => {
    const { auth, seen } = plugin(true);
    const s = server(401, 200);
    const api = createTypedClient<Paths, number>({
      baseUrl: "https://gw.example.test",
      auth,
      fetch: s.fetch,
      ...opts,
    });
    await api.POST("/things", { body: { name: "中文" } });
    expect(seen.map((x) => x.body)).toEqual(['{"name":"中文"}', '{"name":"中文"}']);
    expect(s.sent.map((x) => x.body)).toEqual(['{"name":"中文"}', '{"name":"中文"}']);
  });

  it("no replay when invalidate() says a new credential cannot help", async () => {
    const { auth } = plugin(false);
    const s = server(401, 200);
    const api = createTypedClient<Paths, number>({
      baseUrl: "https://gw.example.test",
      auth,
      fetch: s.fetch,
      ...opts,
    });
    expect((await api.GET("/things")).response.status).toBe(401);
    expect(s.sent).toHaveLength(1);
  });

  it("checkResponse may turn the final answer into a typed error", async () => {
    const { auth } = plugin(true);
    const api = createTypedClient<Paths, number>({
      baseUrl: "https://gw.example.test",
      auth,
      fetch: server(418).fetch,
      ...opts,
    });
    await expect(api.GET("/things")).rejects.toMatchObject({ code: "Teapot" });
  });

  it("binds the plugin once, with the base URL (no prefix) and the client's transport", async () => {
    const { auth, envs } = plugin(true);
    const s = server();
    createTypedClient<Paths, number>({
      baseUrl: "https://gw.example.test",
      pathPrefix: "/clusters/x",
      auth,
      fetch: s.fetch,
      userAgent: "ua-test",
    });
    expect(envs.map((e) => e.baseUrl)).toEqual(["https://gw.example.test"]);
    await envs[0]!.fetch(new Request("https://gw.example.test/oauth/token", { method: "POST", body: "x" }));
    expect(s.sent[0]).toMatchObject({ url: "https://gw.example.test/oauth/token", ua: "ua-test" });
  });

  it("refuses bad options with InvalidConfig", () => {
    const { auth } = plugin(true);
    const bad = (o: Partial<Parameters<typeof createTypedClient<Paths, number>>[0]>) => {
      try {
        createTypedClient<Paths, number>({ baseUrl: "https://gw.example.test", auth, ...o });
        return "ok";
      } catch (e) {
        return CloudpodsError.isInstance(e) ? e.code : "untyped";
      }
    };
    expect(bad({ baseUrl: "ftp://gw.example.test" })).toBe("InvalidConfig");
    expect(bad({ baseUrl: "not a url" })).toBe("InvalidConfig");
    expect(bad({ pathPrefix: "clusters/x" })).toBe("InvalidConfig");
    expect(bad({ fetch: (r) => fetch(r), ca: "pem" })).toBe("InvalidConfig");
    expect(bad({})).toBe("ok");
  });
});
