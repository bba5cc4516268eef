// Every failure has its own type (issue 7 §4) and the client's lifecycle is safe (§5): body-read failures
// keep their type, malformed catalogs and tokens are typed, only credential rejections are cached, options
// are validated; an abort does not wait for a login, close() is final, response.url is set, and bodies past
// maxResponseBytes fail typed. Through the public client on the Node transport unless a test says otherwise.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { KeystoneAuth } from "../../src/auth/keystone.js";
import {
  AuthenticationError,
  CloudpodsError,
  EndpointNotFoundError,
  HttpError,
  TimeoutError,
  createCloudpods,
  type CloudpodsOptions,
} from "../../src/index.js";
import { json, login, startFaultServer, type FaultServer, type Reply } from "../integration/fault-server.js";
import { pastTimers, watchProcessEvents, type ProcessEvents } from "../integration/process-events.js";
import { FIXTURE_NOW, tokenFixture } from "../fixtures/token.js";

let server: FaultServer;
let events: ProcessEvents;
beforeAll(async () => {
  events = watchProcessEvents();
  server = await startFaultServer();
});
afterEach(() => server.dropConnections());
afterAll(async () => {
  events?.stop();
  await server?.close();
});

const client = (o: Partial<CloudpodsOptions> = {}) =>
  createCloudpods({
    authUrl: server.authUrl,
    credentials: { username: "sysadmin", password: "typed-failures-pw", domain: "Default" },
    project: { name: "system", domain: "Default" },
    region: "region0",
    timeoutMs: 2_000,
    retry: false,
    ...o,
  });

/**
 * A JSON 200 announcing 2 MiB (past the Node transport's buffering, so openapi-fetch calls `json()` on a
 * stream) that sends its start, then `then` happens to the socket.
 */
const halfJson =
  (then: "stall" | "reset"): Reply =>
  ({ req, res }) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": String(2 << 20) });
    res.write('{"servers": [', () => void (then === "reset" && setTimeout(() => req.socket.destroy(), 20)));
  };

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
}

describe("a 2xx JSON body that fails while it is read keeps the failure's own type", () => {
  it("a stall is a TimeoutError, a reset a ConnectionError, an abort the caller's reason", async () => {
    server.script({ "GET /servers": halfJson("stall") });
    const stalled = await failure(client({ timeoutMs: 300 }).compute.GET("/servers"));
    expect(stalled).toBeInstanceOf(TimeoutError);

    server.script({ "GET /servers": halfJson("reset") });
    const reset = await failure(client().compute.GET("/servers"));
    expect(CloudpodsError.isInstance(reset) && reset.code).toBe("ConnectionError");
    expect(reset).not.toBeInstanceOf(HttpError);

    server.script({ "GET /servers": halfJson("stall") });
    const ctrl = new AbortController();
    const reason = new Error("caller gave up");
    const p = client().compute.GET("/servers", { signal: ctrl.signal });
    for (let i = 0; i < 200 && server.count("GET", "/servers") === 0; i++) await pastTimers(5);
    await pastTimers(20);
    ctrl.abort(reason);
    expect(await failure(p)).toBe(reason);
  });

  it("the same over a plain fetch", async () => {
    const plain = { fetch: (r: Request) => fetch(r) };
    server.script({ "GET /servers": halfJson("stall") });
    expect(await failure(client({ ...plain, timeoutMs: 300 }).compute.GET("/servers"))).toBeInstanceOf(
      TimeoutError,
    );
    server.script({ "GET /servers": halfJson("reset") });
    const reset = await failure(client(plain).compute.GET("/servers"));
    expect(CloudpodsError.isInstance(reset) && reset.code).toBe("ConnectionError");
  });
});

describe("malformed server data is a typed error", () => {
  it.each([
    [
      "url: 42",
      [{ type: "compute_v2", endpoints: [{ interface: "public", region_id: "region0", url: 42 }] }],
    ],
    ["catalog: [null]", [null]],
    ["endpoints: [null]", [{ type: "compute_v2", endpoints: [null] }]],
    ["endpoints: 7", [{ type: "compute_v2", endpoints: 7 }]],
  ])("%s → EndpointNotFoundError", async (_, catalog) => {
    server.script({ "POST /v3/auth/tokens": login({ fixture: { extra: { catalog } } }) });
    expect(await failure(client().compute.GET("/servers"))).toBeInstanceOf(EndpointNotFoundError);
  });

  it("a token whose expires_at is not after issued_at → InvalidTokenResponse, not a login per call", async () => {
    const fetch = async () => tokenFixture({ issuedAt: FIXTURE_NOW, expiresAt: FIXTURE_NOW }).response();
    const a = new KeystoneAuth({
      authUrl: "https://ks.example/v3",
      credentials: { username: "u", password: "p" },
      fetch,
      now: () => FIXTURE_NOW,
    });
    const e = await failure(a.getAccess());
    expect(CloudpodsError.isInstance(e) && e.code).toBe("InvalidTokenResponse");
  });
});

describe("login failures: only a rejected credential is cached", () => {
  function keystone(respond: () => Response, authUrl = "https://ks.example:30500/v3") {
    let now = FIXTURE_NOW;
    let sent = 0;
    const a = new KeystoneAuth({
      authUrl,
      credentials: { username: "u", password: "p" },
      fetch: async () => (sent++, respond()),
      now: () => now,
    });
    return { a, sent: () => sent, later: (ms: number) => void (now += ms) };
  }

  it("a 5xx is not cached; a 429 waits for its Retry-After, then asks again", async () => {
    const down = keystone(() => new Response('{"class":"InternalServerError","code":500}', { status: 500 }));
    await failure(down.a.getAccess());
    await failure(down.a.getAccess());
    expect(down.sent()).toBe(2);

    const busy = keystone(
      () =>
        new Response("{}", {
          status: 429,
          headers: { "retry-after": "5", "content-type": "application/json" },
        }),
    );
    const first = await failure(busy.a.getAccess());
    expect(first).toBeInstanceOf(HttpError);
    expect(first).not.toBeInstanceOf(AuthenticationError);
    expect((first as HttpError).status).toBe(429);
    busy.later(4_999);
    await failure(busy.a.getAccess());
    expect(busy.sent()).toBe(1);
    busy.later(1);
    await failure(busy.a.getAccess());
    expect(busy.sent()).toBe(2);
  });

  it("a 404 from an auth URL without /v3 says so and starts no cool-down", async () => {
    const k = keystone(
      () => new Response("404 page not found", { status: 404 }),
      "https://10.211.55.9:30500",
    );
    const e = await failure(k.a.getAccess());
    expect(e).toBeInstanceOf(HttpError);
    expect(e).not.toBeInstanceOf(AuthenticationError);
    expect((e as Error).message).toContain("the auth URL should end in /v3");
    await failure(k.a.getAccess());
    expect(k.sent()).toBe(2);
  });

  it("a 401 is cached for the cool-down", async () => {
    const k = keystone(() => new Response('{"class":"WrongPassword","code":401}', { status: 401 }));
    expect(await failure(k.a.getAccess())).toBeInstanceOf(AuthenticationError);
    await failure(k.a.getAccess());
    expect(k.sent()).toBe(1);
  });
});

describe("options are validated, naming the option", () => {
  const base = { authUrl: "https://ks.example/v3", credentials: { username: "u", password: "p" } };
  it.each([
    [{ retry: { retries: Number.NaN } }, /^retry\.retries must be a finite number/],
    [{ retry: { retries: 1.5 } }, /^retry\.retries .*integer/],
    [{ retry: { baseMs: -1 } }, /^retry\.baseMs/],
    [{ retry: { maxMs: Infinity } }, /^retry\.maxMs/],
    [{ timeoutMs: Number.NaN }, /^timeoutMs/],
    [{ maxResponseBytes: -5 }, /^maxResponseBytes/],
    [{ refreshMarginMs: Number.NaN }, /^refreshMarginMs/],
    [{ endpointType: "URL" }, /^endpointType must be one of/],
  ] as [Partial<CloudpodsOptions>, RegExp][])("%o", (bad, message) => {
    let e: unknown;
    try {
      createCloudpods({ ...base, ...bad });
    } catch (x) {
      e = x;
    }
    expect(CloudpodsError.isInstance(e) && e.code).toBe("InvalidConfig");
    expect((e as Error).message).toMatch(message);
  });

  it("a missing caFile is InvalidConfig, and not kept for the client's life", async () => {
    const cp = client({ caFile: "/nonexistent/ca.pem" });
    for (let i = 0; i < 2; i++) {
      const e = await failure(cp.compute.GET("/servers"));
      expect(CloudpodsError.isInstance(e) && e.code).toBe("InvalidConfig");
      expect((e as Error).message).toMatch(/^caFile cannot be read \(ENOENT\)/);
    }
  });
});

describe("lifecycle", () => {
  it("an abort rejects at once while a shared login is in flight; the login goes on for the others", async () => {
    let answer!: () => void;
    const held = new Promise<void>((r) => (answer = r));
    server.script({ "POST /v3/auth/tokens": (ctx) => void held.then(() => login()(ctx)) });
    const cp = client();
    const ctrl = new AbortController();
    const reason = new Error("not waiting");
    const mine = cp.compute.GET("/servers", { signal: ctrl.signal });
    const other = cp.compute.GET("/servers");
    for (let i = 0; i < 200 && server.count("POST", "/v3/auth/tokens") === 0; i++) await pastTimers(5);
    ctrl.abort(reason);
    expect(await failure(mine)).toBe(reason);
    answer();
    expect((await other).response.status).toBe(200);
    expect(server.count("POST", "/v3/auth/tokens")).toBe(1);
    await cp.close();
  });

  it("close() is idempotent, works before the first call, and later calls fail at once as ClientClosed", async () => {
    const unused = client();
    await unused.close();
    await unused.close();
    server.script();
    const cp = client();
    expect((await cp.compute.GET("/servers")).response.status).toBe(200);
    await Promise.all([cp.close(), cp.close()]);
    const before = server.requests.length;
    for (const c of [cp, unused]) {
      const e = await failure(c.compute.GET("/servers"));
      expect(CloudpodsError.isInstance(e) && e.code).toBe("ClientClosed");
      expect((e as Error).message).toBe("the client is closed");
    }
    expect(server.requests.length).toBe(before);
  });

  it("sets response.url on the Node transport", async () => {
    server.script();
    const cp = client();
    const { response } = await cp.compute.GET("/servers", { params: { query: { limit: 2 } } });
    expect(response.url).toBe(`${server.origin}/servers?limit=2`);
    await cp.close();
  });

  it("fails a body past maxResponseBytes with ResponseTooLarge, by Content-Length or while streaming", async () => {
    const big = { servers: [...Array(200).keys()].map((i) => ({ id: `s${i}`, name: "x".repeat(50) })) };
    server.script({ "GET /servers": json(200, big) });
    const cp = client({ maxResponseBytes: 4_096 });
    const e = await failure(cp.compute.GET("/servers"));
    expect(e).toBeInstanceOf(HttpError);
    expect([(e as HttpError).class, (e as HttpError).status]).toEqual(["ResponseTooLarge", 200]);
    server.script({
      "GET /servers": ({ res }) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(big));
      },
    });
    const streamed = await failure(cp.compute.GET("/servers"));
    expect((streamed as HttpError).class).toBe("ResponseTooLarge");
    // The default (64 MiB) lets an ordinary page through.
    expect((await client().compute.GET("/servers")).data).toEqual(big);
    await cp.close();
  });

  it("left nothing firing after the answers", async () => {
    await pastTimers(2_200);
    expect(events.fired).toEqual([]);
  });
});
