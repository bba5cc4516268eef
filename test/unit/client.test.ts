import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, expectTypeOf, it } from "vitest";
import { listEnvelopes as computeLists, type ServerDetails } from "../../generated/compute.js";
import { listEnvelopes as identityLists } from "../../generated/identity.js";
import type { AccessInfo, AuthPlugin, ServiceCatalog } from "../../src/auth/types.js";
import { createCloudpods, type CloudpodsOptions } from "../../src/client.js";
import { CloudpodsError } from "../../src/errors.js";
import { service, tokenFixture } from "../fixtures/token.js";

const CATALOG: ServiceCatalog = [
  service("compute_v2", { public: "https://10.211.55.9:30888", internal: "https://default-region:30888" }),
  service("identity", {
    public: "https://10.211.55.9:30500/v3",
    internal: "https://default-keystone:30500/v3",
  }),
];

/** A fake AuthPlugin with a fixed token and catalog. */
function fakeAuth(catalog: ServiceCatalog | undefined = CATALOG): AuthPlugin {
  const access = {
    token: "tok",
    expiresAt: new Date(Date.UTC(2030, 0, 1)),
    catalog,
  } as AccessInfo;
  return {
    getAccess: async () => access,
    authorize: (req, ctx) => void req.headers.set("X-Auth-Token", ctx.access.token),
    invalidate: () => {},
    secrets: () => ["tok"],
  };
}

function recorder(answer: (url: string) => unknown = () => ({})) {
  const urls: string[] = [];
  const fetch = async (req: Request) => {
    urls.push(req.url);
    return Response.json(answer(req.url));
  };
  return { fetch, urls };
}

const AUTH_URL = "https://10.211.55.9:30500/v3";
const make = (o: Partial<CloudpodsOptions> & Pick<CloudpodsOptions, "fetch">) =>
  createCloudpods({ authUrl: AUTH_URL, auth: fakeAuth(), ...o });

describe("createCloudpods", () => {
  it("sends compute and identity calls to their public catalog URLs by default", async () => {
    const r = recorder();
    const cp = make({ fetch: r.fetch });
    await cp.compute.GET("/servers", { params: { query: { limit: 20, details: true } } });
    await cp.identity.GET("/users");
    expect(r.urls).toEqual([
      "https://10.211.55.9:30888/servers?limit=20&details=true",
      "https://10.211.55.9:30500/v3/users",
    ]);
    expect(await cp.catalog()).toBe(CATALOG);
  });

  it("honours endpointType, including climc's internalURL spelling", async () => {
    const r = recorder();
    await make({ fetch: r.fetch, endpointType: "internalURL" }).compute.GET("/servers");
    expect(r.urls).toEqual(["https://default-region:30888/servers"]);
  });

  it("uses the API gateway when the auth URL is a gateway URL", async () => {
    const r = recorder();
    const cp = make({
      fetch: r.fetch,
      authUrl: "https://cloud.example.com/api/s/identity/v3",
      region: "region0",
    });
    await cp.compute.GET("/servers");
    await cp.identity.GET("/users");
    expect(r.urls).toEqual([
      "https://cloud.example.com/api/s/compute_v2/r/region0/servers",
      "https://cloud.example.com/api/s/identity/r/region0/v3/users",
    ]);
  });

  it("falls back to the auth URL for identity when the catalog has none", async () => {
    const r = recorder();
    const cp = make({ fetch: r.fetch, auth: fakeAuth([]) });
    await cp.identity.GET("/users");
    expect(r.urls).toEqual([`${AUTH_URL}/users`]);
    await expect(cp.compute.GET("/servers")).rejects.toThrow(/no service catalog in token/);
  });

  it("paginates a list endpoint with typed items", async () => {
    const r = recorder((url) =>
      url.includes("offset=2")
        ? { servers: [{ id: "c" }], total: 3, limit: 2, offset: 2 }
        : { servers: [{ id: "a" }, { id: "b" }], total: 3, limit: 2 },
    );
    const cp = make({ fetch: r.fetch });
    const ids: string[] = [];
    const it = cp.compute.paginate("/servers", { query: { status: ["running"], limit: 2 } });
    expectTypeOf(it).toEqualTypeOf<AsyncGenerator<ServerDetails, void, undefined>>();
    for await (const s of it) ids.push(s.id!);
    expect(ids).toEqual(["a", "b", "c"]);
    expect(r.urls).toEqual([
      "https://10.211.55.9:30888/servers?status=running&limit=2",
      "https://10.211.55.9:30888/servers?status=running&limit=2&offset=2",
    ]);
  });

  it("finds every generated list envelope at the path's last segment, as paginate assumes", () => {
    for (const [path, key] of Object.entries({ ...computeLists, ...identityLists })) {
      expect(key).toBe(path.slice(path.lastIndexOf("/") + 1));
    }
  });

  it("logs redacted curl lines when asked", async () => {
    const lines: string[] = [];
    await make({ fetch: recorder().fetch, onDebug: (l) => lines.push(l) }).compute.GET("/servers");
    expect(lines[0]).toMatch(/^curl -v -X GET .*'x-auth-token: \{SHA256\}[0-9a-f]{8}'/);
    expect(lines.join()).not.toContain("'tok'");
  });

  it("hands the token-lifecycle options to the Keystone login", async () => {
    let posts = 0;
    const fetch = async (req: Request) => {
      if (req.method !== "POST") return Response.json({ servers: [] });
      posts++;
      return Response.json({ class: "WrongPassword", code: 401, details: "no" }, { status: 401 });
    };
    const base = { authUrl: AUTH_URL, credentials: { username: "u", password: "p" }, fetch, now: () => 0 };
    const cooled = createCloudpods(base);
    await expect(cooled.compute.GET("/servers")).rejects.toThrow(/WrongPassword/);
    await expect(cooled.compute.GET("/servers")).rejects.toThrow(/WrongPassword/);
    expect(posts).toBe(1);
    const eager = createCloudpods({ ...base, authFailureCooldownMs: 0 });
    await expect(eager.compute.GET("/servers")).rejects.toThrow(/WrongPassword/);
    await expect(eager.compute.GET("/servers")).rejects.toThrow(/WrongPassword/);
    expect(posts).toBe(3);
  });

  it("refuses contradictory or incomplete options", () => {
    expect(() => make({ fetch: recorder().fetch, insecure: true })).toThrow(CloudpodsError);
    expect(() => createCloudpods({ authUrl: AUTH_URL })).toThrow(/credentials/);
  });

  it("refuses apigateway with a non-gateway auth URL at creation, not on the first request", () => {
    const r = recorder();
    let err: unknown;
    try {
      make({ fetch: r.fetch, endpointType: "apigateway" });
    } catch (e) {
      err = e;
    }
    expect(CloudpodsError.isInstance(err) && err.code).toBe("InvalidConfig");
    expect((err as Error).message).toContain("https://<apigateway-host>/api/s/identity/v3");
    expect(r.urls).toEqual([]);
    expect(() =>
      make({ fetch: r.fetch, endpointType: "apigateway", authUrl: "https://gw/api/s/identity/v3" }),
    ).not.toThrow();
  });

  it("appends /v3 to an identity catalog URL registered without it (OpenStack's http://host:5000)", async () => {
    const r = recorder();
    const catalog = [service("identity", { public: "https://10.211.55.9:5000/" })];
    await make({ fetch: r.fetch, auth: fakeAuth(catalog) }).identity.GET("/users");
    expect(r.urls).toEqual(["https://10.211.55.9:5000/v3/users"]);
  });
});

describe("createCloudpods on the Node transport (loaded lazily)", () => {
  it("logs in and lists servers against a 127.0.0.1 server", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      // fetch (undici's or Node's) always adds sec-fetch-mode; undici.request does not
      const via = req.headers["sec-fetch-mode"] ? "fetch" : "undici.request";
      seen.push(
        `${req.method} ${req.url} ${req.headers["x-auth-token"] ?? "-"} ${req.headers["user-agent"]} ${via}`,
      );
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (req.url === "/v3/auth/tokens") {
        const t = tokenFixture({ token: "t1", catalog: [service("compute_v2", { public: base })] });
        res.writeHead(200, t.headers).end(t.text);
      } else
        res.writeHead(200, { "content-type": "application/json" }).end('{"servers":[{"id":"s1"}],"total":1}');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const cp = createCloudpods({
      authUrl: `http://127.0.0.1:${port}/v3`,
      credentials: { username: "u", password: "p" },
      project: { name: "system" },
    });
    try {
      const { data } = await cp.compute.GET("/servers");
      expect(data?.servers?.map((s) => s.id)).toEqual(["s1"]);
      expect(seen).toEqual([
        "POST /v3/auth/tokens - cloudpods-sdk/0.1.0 undici.request",
        "GET /servers t1 cloudpods-sdk/0.1.0 undici.request",
      ]);
    } finally {
      await cp.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
