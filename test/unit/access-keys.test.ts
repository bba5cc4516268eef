import { describe, expect, it } from "vitest";
import { randomSecret } from "../../src/access-keys.js";
import type { AccessInfo, AuthPlugin, ServiceCatalog } from "../../src/auth/types.js";
import { createCloudpods } from "../../src/client.js";
import { CloudpodsError, HttpError } from "../../src/errors.js";
import { service } from "../fixtures/token.js";

const CATALOG: ServiceCatalog = [service("identity", { public: "https://ks.test:30500/v3" })];
const auth: AuthPlugin = {
  getAccess: async () =>
    ({ token: "tok-1234", expiresAt: new Date(Date.UTC(2030, 0, 1)), catalog: CATALOG }) as AccessInfo,
  authorize: (req, ctx) => void req.headers.set("X-Auth-Token", ctx.access.token),
  invalidate: () => {},
  secrets: () => ["tok-1234"],
};

interface Seen {
  method: string;
  url: string;
  body: string;
}

function fake(answer: (s: Seen) => Response) {
  const seen: Seen[] = [];
  const debug: string[] = [];
  const cp = createCloudpods({
    authUrl: "https://ks.test:30500/v3",
    auth,
    onDebug: (l) => debug.push(l),
    fetch: async (req) => {
      const s = { method: req.method, url: req.url, body: await req.text() };
      seen.push(s);
      return answer(s);
    },
  });
  return { cp, seen, debug };
}

const CREATED = (blob: string) =>
  Response.json({
    credential: {
      id: "b5622b3229bb42db81c13e92f69b874f",
      type: "aksk",
      blob,
      project_id: "ed0a2e24b5384ead8de7a34ddbb85ebf",
      created_at: "2026-11-23T03:53:26.000000Z",
    },
  });

describe("access keys", () => {
  it("makes climc-format secrets: base64url of 32 letters and digits, different every time", () => {
    const a = randomSecret();
    expect(a).toHaveLength(44);
    expect(atob(a.replaceAll("-", "+").replaceAll("_", "/"))).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(randomSecret()).not.toBe(a);
  });

  it("creates a credential of type aksk with the secret in a JSON-string blob, never in the debug log", async () => {
    const { cp, seen, debug } = fake((s) => CREATED(JSON.parse(s.body).credential.blob));
    const expire = new Date(Date.now() + 3_600_000);
    const key = await cp.createAccessKey({ name: "ci", expire });
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.url).toBe("https://ks.test:30500/v3/credentials");
    const sent = JSON.parse(seen[0]!.body).credential;
    expect(sent).toMatchObject({ type: "aksk", name: "ci" });
    expect(JSON.parse(sent.blob)).toEqual({
      expire: Math.floor(expire.getTime() / 1000),
      secret: key.secret,
    });
    expect(key).toMatchObject({
      accessKey: "b5622b3229bb42db81c13e92f69b874f",
      projectId: "ed0a2e24b5384ead8de7a34ddbb85ebf",
      createdAt: new Date("2026-11-23T03:53:26Z"),
    });
    expect(key.expire?.getTime()).toBe(Math.floor(expire.getTime() / 1000) * 1000);
    expect(debug.length).toBeGreaterThan(0);
    expect(debug.join("\n")).not.toContain(key.secret);
  });

  it("defaults to a never-expiring key with a generated name", async () => {
    const { cp, seen } = fake((s) => CREATED(JSON.parse(s.body).credential.blob));
    const key = await cp.createAccessKey();
    const sent = JSON.parse(seen[0]!.body).credential;
    expect(sent.name).toMatch(/^aksk-\d+-[0-9a-f]{4}$/);
    expect(JSON.parse(sent.blob).expire).toBe(0);
    expect(key.expire).toBeUndefined();
  });

  it("scrubs the new secret from an error that echoes the request", async () => {
    const { cp } = fake((s) =>
      Response.json(
        {
          class: "InputParameterError",
          code: 400,
          details: `bad blob ${JSON.parse(s.body).credential.blob}`,
        },
        { status: 400 },
      ),
    );
    const e = await cp.createAccessKey().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).status).toBe(400);
    expect((e as HttpError).details).toContain("***");
    expect((e as HttpError).details).not.toMatch(/"secret":"[^*]/);
  });

  it("refuses bad input with InvalidConfig", async () => {
    const { cp, seen } = fake(() => Response.json({}));
    for (const input of [{ name: "" }, { expire: new Date(NaN) }, { expire: new Date(Date.now() - 1000) }]) {
      const e = await cp.createAccessKey(input).catch((x: unknown) => x);
      expect(CloudpodsError.isInstance(e) && e.code).toBe("InvalidConfig");
    }
    await expect(cp.deleteAccessKey("../users")).rejects.toMatchObject({ code: "InvalidConfig" });
    expect(seen).toHaveLength(0);
  });

  it("lists aksk credentials across pages, typed, secrets only when asked", async () => {
    const item = (id: string, expire: number) => ({
      id,
      type: "aksk",
      blob: JSON.stringify({ expire, secret: `sec-${id}` }),
      project_id: "p1",
      user_id: "u1",
      enabled: true,
      created_at: "2026-11-23T03:53:26.000000Z",
    });
    const { cp, seen } = fake((s) =>
      Response.json(
        s.url.includes("offset=1")
          ? { credentials: [item("k2", 0), { id: "t1", type: "totp", blob: "{}" }], total: 3, limit: 1 }
          : { credentials: [item("k1", 1_800_000_000)], total: 3, limit: 1 },
      ),
    );
    const keys = await cp.listAccessKeys();
    expect(new URL(seen[0]!.url).searchParams.get("type")).toBe("aksk");
    expect(keys.map((k) => k.accessKey)).toEqual(["k1", "k2"]);
    expect(keys[0]).toEqual({
      accessKey: "k1",
      name: undefined,
      projectId: "p1",
      userId: "u1",
      enabled: true,
      expire: new Date(1_800_000_000_000),
      createdAt: new Date("2026-11-23T03:53:26Z"),
    });
    expect(keys[1]!.expire).toBeUndefined();
    expect(JSON.stringify(keys)).not.toContain("sec-");
    const withSecret = await cp.listAccessKeys({ withSecret: true });
    expect(withSecret.map((k) => k.secret)).toEqual(["sec-k1", "sec-k2"]);
  });

  it("deletes by access key and throws HttpError on a 404", async () => {
    const { cp, seen } = fake((s) =>
      s.url.endsWith("/gone")
        ? Response.json(
            { class: "ResourceNotFoundError", code: 404, details: "no such credential" },
            { status: 404 },
          )
        : Response.json({ credential: { id: "k1" } }),
    );
    await cp.deleteAccessKey("k1");
    expect(seen[0]).toMatchObject({ method: "DELETE", url: "https://ks.test:30500/v3/credentials/k1" });
    await expect(cp.deleteAccessKey("gone")).rejects.toMatchObject({
      status: 404,
      class: "ResourceNotFoundError",
    });
  });
});
