// KubeSphereAuth through createTypedClient and the generated KubeSphere paths, against a fake per version.
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import type { paths } from "../../generated/kubesphere.js";
import { AuthenticationError, CloudpodsError } from "../../src/errors.js";
import {
  KubeSphereAuth,
  kubeSphereCluster,
  type KubeSphereAuthOptions,
} from "../../src/gateways/kubesphere.js";
import { createTypedClient } from "../../src/typed-client.js";
import { startKubeSphere, type KsFake, type KsFakeOptions } from "./kubesphere-fake.js";

let ks: KsFake | undefined;
afterEach(async () => {
  await ks?.close();
  ks = undefined;
});

async function setup(
  fake: Omit<KsFakeOptions, "now">,
  auth: Partial<KubeSphereAuthOptions> = {},
  client: { pathPrefix?: string; onDebug?: (line: string) => void } = {},
) {
  const clock = { now: 1_764_000_000_000 };
  ks = await startKubeSphere({ ...fake, now: () => clock.now });
  const plugin = new KubeSphereAuth({
    username: "admin",
    password: "P@88w0rd",
    now: () => clock.now,
    ...auth,
  });
  const api = createTypedClient<paths, unknown>({
    baseUrl: ks.url,
    auth: plugin,
    fetch: (r) => fetch(r),
    ...client,
  });
  const list = async () => (await api.GET("/api/v1/componentstatuses")).response.status;
  return { api, ks, clock, list, plugin };
}

const grantTypes = (f: KsFake) => f.grants.map((g) => `${g.type}:${g.status}`);

describe("KubeSphereAuth on 4.x", () => {
  it("logs in once for concurrent calls and sends the bearer token", async () => {
    const { api, ks } = await setup({ version: "4" });
    const results = await Promise.all(Array.from({ length: 8 }, () => api.GET("/api/v1/componentstatuses")));
    expect(results.map((r) => r.response.status)).toEqual(Array(8).fill(200));
    expect(results[0]?.data?.items[0]?.metadata?.name).toBe("etcd-0");
    expect(grantTypes(ks)).toEqual(["password:200"]);
    expect(ks.grants[0]?.clientId).toBe("kubesphere");
    expect(ks.calls.every((c) => /^Bearer .{20,}$/.test(c.authorization ?? ""))).toBe(true);
  });

  it("refreshes before expiry with the refresh token, then falls back to a password login on invalid_grant", async () => {
    const { ks, clock, list } = await setup({ version: "4", ttlSeconds: 600 });
    expect(await list()).toBe(200);
    clock.now += 550_000; // inside the 60 s margin: refresh, not a 401
    expect(await list()).toBe(200);
    expect(grantTypes(ks)).toEqual(["password:200", "refresh_token:200"]);
    clock.now += 3 * 600_000; // access and refresh tokens both gone
    expect(await list()).toBe(200);
    expect(grantTypes(ks)).toEqual([
      "password:200",
      "refresh_token:200",
      "refresh_token:400",
      "password:200",
    ]);
    expect(ks.calls.map((c) => c.status)).toEqual([200, 200, 200]);
  });

  it("re-authenticates once on 401 and replays (the revoked refresh token falls back to the password)", async () => {
    const { ks, list } = await setup({ version: "4" });
    expect(await list()).toBe(200);
    ks.revokeAll(); // server-side: the refresh token dies too
    expect(await list()).toBe(200);
    expect(grantTypes(ks)).toEqual(["password:200", "refresh_token:400", "password:200"]);
    expect(ks.calls.map((c) => c.status)).toEqual([200, 401, 200]);
  });

  it("a second 401 after the re-login is returned, not looped", async () => {
    const clock = { now: 1_764_000_000_000 };
    ks = await startKubeSphere({ version: "4", now: () => clock.now });
    let apiSends = 0;
    const api = createTypedClient<paths, unknown>({
      baseUrl: ks.url,
      auth: new KubeSphereAuth({ username: "admin", password: "P@88w0rd", now: () => clock.now }),
      // Every API call is refused (a token the gateway never accepts); logins pass through.
      fetch: (r) =>
        r.url.includes("/api/v1/")
          ? Promise.resolve(
              new Response("{}", { status: 401, headers: { "content-type": "application/json" } }),
            ).finally(() => apiSends++)
          : fetch(r),
    });
    expect((await api.GET("/api/v1/componentstatuses")).response.status).toBe(401);
    expect(apiSends).toBe(2);
    expect(grantTypes(ks)).toEqual(["password:200", "refresh_token:200"]);
  });

  it("an early refresh that fails (gateway down) keeps the still-valid token", async () => {
    let down = false;
    const clock = { now: 1_764_000_000_000 };
    ks = await startKubeSphere({ version: "4", ttlSeconds: 600, now: () => clock.now });
    const api = createTypedClient<paths, unknown>({
      baseUrl: ks.url,
      auth: new KubeSphereAuth({ username: "admin", password: "P@88w0rd", now: () => clock.now }),
      fetch: (r) =>
        down && r.url.endsWith("/oauth/token")
          ? Promise.resolve(new Response("", { status: 503 }))
          : fetch(r),
    });
    expect((await api.GET("/api/v1/componentstatuses")).response.status).toBe(200);
    clock.now += 570_000;
    down = true;
    expect((await api.GET("/api/v1/componentstatuses")).response.status).toBe(200);
    clock.now += 60_000; // now really expired: the refresh error surfaces
    await expect(api.GET("/api/v1/componentstatuses")).rejects.toMatchObject({
      status: 503,
      name: "HttpError",
    });
    expect(ks.calls.map((c) => c.status)).toEqual([200, 200]);
  });

  it("a token that expires_in 0 (member clusters) is kept until a 401", async () => {
    const { ks, clock, list } = await setup({ version: "4", ttlSeconds: 0 });
    expect(await list()).toBe(200);
    clock.now += 30 * 86_400_000;
    expect(await list()).toBe(200);
    expect(grantTypes(ks)).toEqual(["password:200"]);
  });

  it("a wrong password is an AuthenticationError (invalid_grant), not retried per call during the cooldown", async () => {
    const { ks, list } = await setup({ version: "4" }, { password: "wrong-password-1" });
    const err = (await list().catch((e: unknown) => e)) as AuthenticationError;
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({
      status: 400,
      class: "invalid_grant",
      details: "Invalid username or password.",
    });
    await expect(list()).rejects.toBe(err);
    expect(ks.grants).toHaveLength(1);
    expect(`${err.message} ${err.stack} ${JSON.stringify(err)}`).not.toContain("wrong-password-1");
  });

  it("a bad client secret: 401 unauthorized_client", async () => {
    const { list } = await setup({ version: "4" }, { clientSecret: "other-secret" });
    await expect(list()).rejects.toMatchObject({ status: 401, class: "unauthorized_client" });
  });

  it("multi-cluster: API calls take the /clusters/{cluster} prefix, the login does not", async () => {
    const { ks, list } = await setup({ version: "4" }, {}, { pathPrefix: kubeSphereCluster("member-1") });
    expect(await list()).toBe(200);
    expect(ks.calls[0]?.path).toBe("/clusters/member-1/api/v1/componentstatuses");
    expect(grantTypes(ks)).toEqual(["password:200"]);
  });

  it("multipleLogin off: a fresh login revokes the other client's token, which then re-logs in once", async () => {
    const { ks, list } = await setup({ version: "4", multipleLogin: false });
    const other = createTypedClient<paths, unknown>({
      baseUrl: ks.url,
      auth: new KubeSphereAuth({ username: "admin", password: "P@88w0rd" }),
      fetch: (r) => fetch(r),
    });
    expect(await list()).toBe(200);
    expect((await other.GET("/api/v1/componentstatuses")).response.status).toBe(200);
    expect(await list()).toBe(200); // its token was revoked by the other login
    expect(ks.calls.map((c) => c.status)).toEqual([200, 200, 401, 200]);
  });

  it("keeps the password and tokens out of debug lines, inspect and JSON", async () => {
    const lines: string[] = [];
    const { list, plugin } = await setup({ version: "4" }, {}, { onDebug: (l) => lines.push(l) });
    expect(await list()).toBe(200);
    const log = lines.join("\n");
    expect(log).toContain("/oauth/token");
    expect(log).not.toContain("P@88w0rd");
    const token = ks!.calls[0]!.authorization!.slice("Bearer ".length);
    expect(log).not.toContain(token);
    expect(`${inspect(plugin)} ${JSON.stringify(plugin)}`).not.toMatch(/P@88w0rd|Bearer/);
  });
});

describe("KubeSphereAuth on older versions", () => {
  it("3.3 needs the client credentials: a wrong one is 401 invalid_client", async () => {
    const { list } = await setup({ version: "3.3" }, { clientId: "nope" });
    await expect(list()).rejects.toMatchObject({
      status: 401,
      class: "invalid_client",
      name: "AuthenticationError",
    });
  });

  it("3.1 ignores them and refreshes the same way", async () => {
    const { ks, clock, list } = await setup({ version: "3.1", ttlSeconds: 600 });
    expect(await list()).toBe(200);
    clock.now += 590_000;
    expect(await list()).toBe(200);
    expect(grantTypes(ks)).toEqual(["password:200", "refresh_token:200"]);
  });

  it("2.1 is detected (no /oauth/token): the JSON login, a sliding token, re-login after the idle timeout", async () => {
    const { ks, clock, list } = await setup({ version: "2.1", idleMs: 60_000 });
    expect(await list()).toBe(200);
    clock.now += 50_000;
    expect(await list()).toBe(200); // slides the idle timeout
    clock.now += 50_000;
    expect(await list()).toBe(200);
    clock.now += 61_000;
    expect(await list()).toBe(200); // 401, then a new login
    expect(grantTypes(ks)).toEqual(["login:200", "login:200"]);
    expect(ks.calls.map((c) => c.status)).toEqual([200, 200, 200, 401, 200]);
  });

  it("api: 'oauth' does not fall back to the 2.1 login", async () => {
    const { list } = await setup({ version: "2.1" }, { api: "oauth" });
    await expect(list()).rejects.toMatchObject({ status: 404, name: "AuthenticationError" });
  });
});

describe("KubeSphereAuth options", () => {
  it("typed errors for missing credentials, a bad api, an empty cluster, and no transport", async () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return "ok";
      } catch (e) {
        return CloudpodsError.isInstance(e) ? e.code : "untyped";
      }
    };
    expect(code(() => new KubeSphereAuth({ username: "", password: "x" }))).toBe("InvalidConfig");
    expect(code(() => new KubeSphereAuth({ username: "a", password: "x", api: "v5" as "oauth" }))).toBe(
      "InvalidConfig",
    );
    expect(code(() => kubeSphereCluster(""))).toBe("InvalidConfig");
    await expect(new KubeSphereAuth({ username: "a", password: "x" }).getAccess()).rejects.toMatchObject({
      code: "InvalidConfig",
    });
  });
});
