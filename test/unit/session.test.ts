import { readFileSync } from "node:fs";
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import type { AccessInfo, AuthPlugin } from "../../src/auth/types.js";
import { serviceUrl } from "../../src/catalog.js";
import { CloudpodsError, HttpError, TimeoutError } from "../../src/errors.js";
import { retryAfterMs } from "../../src/backoff.js";
import { PLACEHOLDER_BASE, createSession, type SessionOptions } from "../../src/session.js";
import { SDK_VERSION, createTransport, type TransportOptions } from "../../src/transport.js";

const COMPUTE = "https://10.211.55.9:30888";

function access(token: string): AccessInfo {
  return {
    token,
    expiresAt: new Date(Date.UTC(2030, 0, 1)),
    issuedAt: undefined,
    methods: ["password"],
    user: { id: "u", name: "u" },
    project: { id: "p", name: "system" },
    domain: undefined,
    isDomain: false,
    roles: [],
    catalog: [
      { type: "compute_v2", endpoints: [{ interface: "public", region_id: "region0", url: COMPUTE }] },
    ],
    raw: {},
  };
}

/** A fake AuthPlugin: each login hands out the next token. */
function fakeAuth() {
  let current: AccessInfo | undefined;
  let pending: Promise<AccessInfo> | undefined;
  const stats = { logins: 0, invalidations: 0 };
  const auth: AuthPlugin = {
    getAccess: () =>
      current
        ? Promise.resolve(current)
        : (pending ??= Promise.resolve().then(() => {
            pending = undefined;
            return (current = access(`token-${++stats.logins}`));
          })),
    authorize: (req, ctx) => void req.headers.set("X-Auth-Token", ctx.access.token),
    // As KeystoneAuth: an invalidation naming a token that is no longer the current one is ignored.
    invalidate: (failed?: AccessInfo) => {
      if (failed && failed !== current) return;
      stats.invalidations++;
      current = undefined;
    },
    secrets: () => [],
  };
  return { auth, stats };
}

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array;
  redirect: RequestRedirect;
}

type Answer = Response | Error | "hang";

/** A fake fetch answering from a script (the last entry repeats), honouring abort signals like fetch. */
function fakeFetch(...script: (Answer | ((n: number) => Answer))[]) {
  const sent: Sent[] = [];
  const responses: Response[] = [];
  const fetch = async (req: Request): Promise<Response> => {
    sent.push({
      url: req.url,
      method: req.method,
      headers: req.headers,
      body: new Uint8Array(await req.arrayBuffer()),
      redirect: req.redirect,
    });
    const step = script[Math.min(sent.length, script.length) - 1]!;
    const a = typeof step === "function" ? step(sent.length) : step;
    if (a === "hang") {
      return new Promise((_, reject) =>
        req.signal.addEventListener("abort", () => reject(req.signal.reason)),
      );
    }
    if (a instanceof Error) throw a;
    // A copy of the scripted answer: a repeated entry must not hand out a body that was already read.
    const fresh = a.body ? new Response(await a.clone().arrayBuffer(), a) : a;
    responses.push(fresh);
    return fresh;
  };
  return { fetch, sent, responses };
}

/** Polls a condition (bounded: 2 s) instead of guessing a delay. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(cond()).toBe(true);
}

const json = (status: number, body: unknown = {}, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

function setup(
  f: ReturnType<typeof fakeFetch>,
  o: Partial<SessionOptions> = {},
  t: Partial<TransportOptions> = {},
) {
  const { auth, stats } = fakeAuth();
  const sleeps: number[] = [];
  const session = createSession({
    auth,
    transport: createTransport({ fetch: f.fetch, timeoutMs: 0, ...t }),
    resolve: (a, serviceType) =>
      serviceUrl(a.catalog, { serviceType, endpointType: "public", authUrl: "https://ks/v3" }),
    random: () => 0.5,
    sleep: async (ms) => void sleeps.push(ms),
    now: () => Date.UTC(2026, 0, 1),
    ...o,
  });
  const send = session.fetchFor("compute_v2");
  const get = (path = "/servers?limit=2", init: RequestInit = {}) =>
    send(new Request(PLACEHOLDER_BASE + path, init));
  return { session, send, get, stats, sleeps };
}

describe("session: base URL and headers", () => {
  it("points the request at the catalog URL and adds the token, User-Agent and language", async () => {
    const f = fakeFetch(json(200));
    const { get } = setup(f, {}, { lang: "en" });
    expect((await get()).status).toBe(200);
    expect(f.sent[0]!.url).toBe(`${COMPUTE}/servers?limit=2`);
    expect(f.sent[0]!.headers.get("x-auth-token")).toBe("token-1");
    expect(f.sent[0]!.headers.get("user-agent")).toBe(`cloudpods-sdk/${SDK_VERSION}`);
    expect(f.sent[0]!.headers.get("x-yunion-lang")).toBe("en");
    expect(f.sent[0]!.redirect).toBe("manual");
  });

  it("sends no X-Yunion-Lang without lang, and resolves the base once per token", async () => {
    const f = fakeFetch(json(200));
    let resolved = 0;
    const { get, session } = setup(f, {
      resolve: () => {
        resolved++;
        return COMPUTE;
      },
    });
    await get();
    await get();
    expect(await session.baseUrl("compute_v2")).toBe(COMPUTE);
    expect(resolved).toBe(1);
    expect(f.sent[1]!.headers.has("x-yunion-lang")).toBe(false);
  });

  it("works under an openapi-fetch client created with the placeholder base", async () => {
    const f = fakeFetch(json(200, { servers: [{ id: "a" }] }));
    const { send } = setup(f);
    const client = createClient<Record<string, never>>({ baseUrl: PLACEHOLDER_BASE, fetch: send });
    const r = await (client as unknown as { GET: (p: string, i: object) => Promise<{ data: unknown }> }).GET(
      "/servers",
      { params: { query: { limit: 1 } } },
    );
    expect(r.data).toEqual({ servers: [{ id: "a" }] });
    expect(f.sent[0]!.url).toBe(`${COMPUTE}/servers?limit=1`);
  });

  it("keeps SDK_VERSION equal to package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(SDK_VERSION).toBe(pkg.version);
  });
});

describe("session: 401", () => {
  const BODY = JSON.stringify({ server: { name: "vm1", vcpu_count: 2, description: "日本語 ✓" } });
  const post = (get: ReturnType<typeof setup>["get"]) =>
    get("/servers", { method: "POST", body: BODY, headers: { "content-type": "application/json" } });

  it("logs in again once and retries once with the new token and identical body bytes", async () => {
    const f = fakeFetch(json(401, { class: "InvalidTokenError" }), json(200, { server: { id: "s" } }));
    const { get, stats } = setup(f);
    const res = await post(get);
    expect(res.status).toBe(200);
    expect(f.sent).toHaveLength(2);
    expect(stats).toEqual({ logins: 2, invalidations: 1 });
    expect(f.sent.map((s) => s.headers.get("x-auth-token"))).toEqual(["token-1", "token-2"]);
    expect(f.sent[1]!.body).toEqual(f.sent[0]!.body);
    expect(new TextDecoder().decode(f.sent[1]!.body)).toBe(BODY);
    expect(f.responses[0]!.bodyUsed).toBe(true); // the discarded 401 body was drained
  });

  it("returns a second 401 instead of looping", async () => {
    const f = fakeFetch(json(401));
    const { get, stats } = setup(f);
    const res = await get();
    expect(res.status).toBe(401);
    expect(f.sent).toHaveLength(2);
    expect(stats.logins).toBe(2);
  });

  it("shares one login between requests failing together", async () => {
    const f = fakeFetch((n) => (n <= 3 ? json(401) : json(200)));
    const { get, stats } = setup(f);
    const all = await Promise.all([get(), get(), get()]);
    expect(all.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(stats).toEqual({ logins: 2, invalidations: 1 });
  });

  it("names the token the request failed with, so the plugin can ignore a late 401", async () => {
    const { auth } = fakeAuth();
    const named: (AccessInfo | undefined)[] = [];
    const spy: AuthPlugin = {
      ...auth,
      invalidate: (failed) => (named.push(failed), auth.invalidate(failed)),
    };
    const { get } = setup(fakeFetch(json(401), json(200)), { auth: spy });
    const first = await auth.getAccess();
    expect((await get()).status).toBe(200);
    expect(named).toHaveLength(1);
    expect(named[0]).toBe(first);
  });
});

describe("session: transport retries", () => {
  it.each([429, 502, 503, 504])(
    "retries GET on %i with full-jitter backoff, then returns the last answer",
    async (s) => {
      const f = fakeFetch(json(s));
      const { get, sleeps } = setup(f, { retry: { retries: 2, baseMs: 100, maxMs: 1000 } });
      expect((await get()).status).toBe(s);
      expect(f.sent).toHaveLength(3);
      expect(sleeps).toEqual([50, 100]); // random 0.5 × 100·2^attempt
      expect(f.responses.slice(0, 2).every((r) => r.bodyUsed)).toBe(true);
    },
  );

  it.each([400, 404, 409, 500])("does not retry %i", async (s) => {
    const f = fakeFetch(json(s));
    const { get } = setup(f);
    expect((await get()).status).toBe(s);
    expect(f.sent).toHaveLength(1);
  });

  it("caps the backoff at maxMs", async () => {
    const f = fakeFetch(json(503));
    const { get, sleeps } = setup(f, {
      retry: { retries: 4, baseMs: 1000, maxMs: 3000 },
      random: () => 0.999,
    });
    await get();
    expect(sleeps).toEqual([999, 1998, 2997, 2997]);
  });

  it("honours Retry-After in seconds and as an HTTP date", async () => {
    const date = new Date(Date.UTC(2026, 0, 1) + 4000).toUTCString();
    const f = fakeFetch(
      json(429, {}, { "retry-after": "3" }),
      json(503, {}, { "retry-after": date }),
      json(503, {}, { "retry-after": "10" }),
      json(200),
    );
    const { get, sleeps } = setup(f, { retry: { retries: 3, maxMs: 10_000 } });
    expect((await get()).status).toBe(200);
    expect(sleeps).toEqual([3000, 4000, 10_000]);
    expect(retryAfterMs("soon", 0)).toBeUndefined();
  });

  it("returns the answer when Retry-After asks for longer than maxMs, instead of retrying early", async () => {
    const f = fakeFetch(
      json(429, { class: "TooManyFailedAttempts", code: 429 }, { "retry-after": "11" }),
      json(200),
    );
    const { get, sleeps } = setup(f, { retry: { retries: 3, maxMs: 10_000 } });
    const res = await get();
    expect([res.status, res.headers.get("retry-after")]).toEqual([429, "11"]);
    expect(await res.json()).toEqual({ class: "TooManyFailedAttempts", code: 429 }); // still readable
    expect(f.sent).toHaveLength(1);
    expect(sleeps).toEqual([]);
    // The same after a first, short wait.
    const g = fakeFetch(json(503, {}, { "retry-after": "1" }), json(503, {}, { "retry-after": "3600" }));
    const second = setup(g, { retry: { retries: 3, maxMs: 10_000 } });
    expect((await second.get()).status).toBe(503);
    expect([g.sent.length, second.sleeps]).toEqual([2, [1000]]);
  });

  it("retries network errors on GET and keeps the cause when they persist", async () => {
    const boom = new TypeError("fetch failed", {
      cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }),
    });
    const ok = fakeFetch(boom, json(200));
    expect((await setup(ok).get()).status).toBe(200);
    const bad = fakeFetch(boom);
    const err = await setup(bad, { retry: { retries: 1 } })
      .get()
      .catch((e: unknown) => e);
    expect(bad.sent).toHaveLength(2);
    expect(CloudpodsError.isInstance(err) && err.code).toBe("ConnectionError");
    expect((err as Error).message).toContain("ECONNREFUSED");
    expect((err as Error).cause).toBe(boom);
  });

  it("never sends a POST twice, whatever happens", async () => {
    for (const answer of [json(503), json(429, {}, { "retry-after": "0" }), new TypeError("fetch failed")]) {
      const f = fakeFetch(answer);
      await setup(f)
        .get("/servers", { method: "POST", body: "{}" })
        .catch(() => {});
      expect(f.sent).toHaveLength(1);
    }
    expect(() => setup(fakeFetch(json(200)), { retry: { methods: ["GET", "post"] } })).toThrow(/POST/);
  });

  it("retries other methods only when configured, and not at all with retry: false", async () => {
    const f = fakeFetch(json(503));
    await setup(f).get("/servers/x", { method: "DELETE" });
    expect(f.sent).toHaveLength(1);
    const g = fakeFetch(json(503));
    await setup(g, { retry: { methods: ["DELETE"], retries: 1 } }).get("/servers/x", { method: "DELETE" });
    expect(g.sent).toHaveLength(2);
    const h = fakeFetch(json(503));
    await setup(h, { retry: false }).get();
    expect(h.sent).toHaveLength(1);
  });

  it("stops waiting when the caller aborts during a backoff", async () => {
    const f = fakeFetch(json(503));
    const ctrl = new AbortController();
    const { get } = setup(f, {
      sleep: undefined,
      retry: { baseMs: 60_000, maxMs: 60_000 },
      random: () => 1,
    });
    const p = get("/servers", { signal: ctrl.signal });
    await until(() => f.responses[0]?.bodyUsed === true); // the first answer is in and being backed off
    ctrl.abort(new Error("user abort"));
    await expect(p).rejects.toThrow("user abort");
    expect(f.sent).toHaveLength(1);
  });
});

describe("transport: timeout and redirects", () => {
  it("turns a stalled exchange into TimeoutError and does not retry it", async () => {
    const f = fakeFetch("hang");
    const { get } = setup(f, {}, { timeoutMs: 10 });
    const err = await get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toBe(`GET ${COMPUTE}/servers timed out after 10 ms`);
    expect(f.sent).toHaveLength(1);
  });

  it("rejects with the caller's own abort reason", async () => {
    const f = fakeFetch("hang");
    const ctrl = new AbortController();
    const p = setup(f).get("/servers", { signal: ctrl.signal });
    await new Promise((r) => setTimeout(r, 5));
    ctrl.abort(new Error("mine"));
    await expect(p).rejects.toThrow("mine");
  });

  it("turns a 3xx into HttpError with the Location, never following it with the token", async () => {
    const f = fakeFetch(json(302, {}, { location: "https://evil.example/steal?x=1" }));
    const err = await setup(f)
      .get()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    // The Location without its query: a redirect may carry a token or one-time code there.
    expect(err).toMatchObject({ status: 302, location: "https://evil.example/steal", class: "redirect" });
    expect(f.sent.map((s) => s.url)).toEqual([`${COMPUTE}/servers?limit=2`]);
    expect(f.responses[0]!.bodyUsed).toBe(true);
    expect((err as Error).message).not.toContain("token");
    // The JSON form names the failure but, like the message, leaves the Location (and its query) out.
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      name: "HttpError",
      code: "redirect",
      status: 302,
      method: "GET",
      url: COMPUTE + "/servers",
      class: "redirect",
      message: `GET ${COMPUTE}/servers failed: 302 redirect`,
    });
  });

  it("passes 304 through", async () => {
    const f = fakeFetch(new Response(null, { status: 304 }));
    expect((await setup(f).get()).status).toBe(304);
  });
});
