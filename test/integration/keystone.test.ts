// The runtime against a REAL OpenStack Keystone started by keystone-server.ts. Skipped only when
// CLOUDPODS_SKIP_INTEGRATION=1; without the apt packages the suite fails and says what to install.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCloudpods, type CloudpodsOptions } from "../../src/client.js";
import { AuthenticationError, EndpointNotFoundError } from "../../src/errors.js";
import { integrationSkipped, startKeystone, type KeystoneHandle } from "./keystone-server.js";

interface RawCatalogEntry {
  type: string;
  name?: string;
  endpoints: { region_id: string; interface: string; url: string }[];
}

interface RawLogin {
  status: number;
  token: string | null;
  body: { token: { catalog: RawCatalogEntry[] } };
}

async function rawLogin(ks: KeystoneHandle, scope: unknown): Promise<RawLogin> {
  const user = { name: ks.seed.demo.name, domain: { id: "default" }, password: ks.seed.demo.password };
  const res = await fetch(`${ks.authUrl}/auth/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ auth: { identity: { methods: ["password"], password: { user } }, scope } }),
  });
  const body = (await res.json()) as RawLogin["body"];
  return { status: res.status, token: res.headers.get("x-subject-token"), body };
}

/**
 * A `fetch` for the client: Keystone calls go through for real and are logged; anything else (the seeded
 * compute URLs name hosts that do not exist) gets an empty server list, so endpoint choice is observable.
 */
function recordingFetch(ks: KeystoneHandle) {
  const log: { method: string; url: string; status: number }[] = [];
  const origin = new URL(ks.authUrl).origin;
  const fn = async (req: Request): Promise<Response> => {
    const res = req.url.startsWith(origin) ? await fetch(req) : Response.json({ servers: [] });
    log.push({ method: req.method, url: req.url, status: res.status });
    return res;
  };
  const logins = (): number =>
    log.filter((e) => e.method === "POST" && e.url.endsWith("/auth/tokens")).length;
  return { fn, log, logins };
}

describe.skipIf(integrationSkipped)("real Keystone (python3-keystone under uwsgi)", () => {
  let ks: KeystoneHandle;
  const demo = (): { username: string; password: string; domain: string } => ({
    username: ks.seed.demo.name,
    password: ks.seed.demo.password,
    domain: "Default",
  });
  const client = (o: Partial<CloudpodsOptions>) =>
    createCloudpods({ authUrl: ks.authUrl, credentials: demo(), retry: false, ...o });

  beforeAll(async () => {
    ks = await startKeystone();
    console.info(`keystone cold start: ${JSON.stringify(ks.timings)}`);
  });

  afterAll(async () => {
    if (!ks) return;
    await ks.stop();
    // stop() must leave no uwsgi behind: signal 0 to a dead PID throws ESRCH.
    expect(() => process.kill(ks.pid, 0)).toThrow();
  });

  describe("harness smoke (raw fetch)", () => {
    it("password login answers 201 with a Fernet X-Subject-Token and compute_v2 in both regions", async () => {
      const res = await rawLogin(ks, { project: { id: ks.seed.demoProj.id } });
      expect(res.status).toBe(201);
      expect(res.token?.length).toBeGreaterThan(100);
      const compute = res.body.token.catalog.find((s) => s.type === "compute_v2");
      expect(compute?.name).toBe("region2");
      const seen = compute?.endpoints.map((e) => `${e.region_id}/${e.interface}`).sort();
      expect(seen).toEqual(["region0/internal", "region0/public", "region1/internal", "region1/public"]);
    });

    it("a revoked token is refused with 401", async () => {
      const { token } = await rawLogin(ks, { project: { id: ks.seed.demoProj.id } });
      const check = (): Promise<Response> =>
        fetch(`${ks.authUrl}/auth/projects`, { headers: { "X-Auth-Token": token ?? "" } });
      expect((await check()).status).toBe(200);
      await ks.revokeToken(token ?? "");
      expect((await check()).status).toBe(401);
    });
  });

  describe("login and scope", () => {
    it("password login, project scope by id", async () => {
      const cp = client({ project: { id: ks.seed.demoProj.id } });
      const access = await cp.auth.getAccess();
      expect(access.methods).toEqual(["password"]);
      expect(access.user).toMatchObject({ id: ks.seed.demo.id, name: "demo" });
      expect(access.project).toMatchObject({ id: ks.seed.demoProj.id, name: "demo-proj" });
      expect(access.roles.map((r) => r.name)).toContain("member");
      expect(access.expiresAt.getTime()).toBeGreaterThan(Date.now());
    });

    it("project scope by name + domain, in a domain other than the user's", async () => {
      const cp = client({ project: { name: "proj2", domain: "dom2" } });
      const access = await cp.auth.getAccess();
      expect(access.project).toMatchObject({ id: ks.seed.proj2.id, domain: { id: ks.seed.dom2.id } });
    });

    it("domain scope", async () => {
      const access = await client({ domain: { name: "dom2" } }).auth.getAccess();
      expect(access.domain).toMatchObject({ id: ks.seed.dom2.id, name: "dom2" });
      expect(access.project).toBeUndefined();
    });

    it("token login rescopes an existing token to another project", async () => {
      const { token } = await rawLogin(ks, { project: { id: ks.seed.demoProj.id } });
      const cp = client({ credentials: { token: token ?? "" }, project: { id: ks.seed.proj2.id } });
      const access = await cp.auth.getAccess();
      expect(access.methods).toContain("token");
      expect(access.user.id).toBe(ks.seed.demo.id);
      expect(access.project?.id).toBe(ks.seed.proj2.id);
      expect(access.token).not.toBe(token);
    });

    it("a wrong password throws AuthenticationError carrying Keystone's class, without the password", async () => {
      const cp = client({ credentials: { ...demo(), password: "wrong-pw-1234" }, project: { id: "x" } });
      const err = await cp.identity.GET("/regions").then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AuthenticationError);
      expect(err).toMatchObject({ status: 401, class: "Unauthorized" });
      expect(String((err as Error).message)).not.toContain("wrong-pw-1234");
    });
  });

  describe("catalog and endpoint selection", () => {
    it("catalog() has compute_v2 in region0 and region1, public and internal, with the seeded URLs", async () => {
      const catalog = await client({ project: { id: ks.seed.demoProj.id } }).catalog();
      const compute = catalog?.find((s) => s.type === "compute_v2");
      const got = compute?.endpoints.map((e) => [e.region_id, e.interface, e.url].join(" ")).sort();
      const urls = ks.seed.compute.urls;
      expect(got).toEqual([
        `region0 internal ${urls.region0Internal}`,
        `region0 public ${urls.region0Public}`,
        `region1 internal ${urls.region1Internal}`,
        `region1 public ${urls.region1Public}`,
      ]);
    });

    it.each([
      ["region0", "public", "region0Public"],
      ["region0", "internal", "region0Internal"],
      ["region1", "public", "region1Public"],
      ["region1", "internalURL", "region1Internal"],
    ] as const)("region %s, endpointType %s → that catalog URL", async (region, endpointType, key) => {
      const rec = recordingFetch(ks);
      const cp = client({ project: { id: ks.seed.demoProj.id }, region, endpointType, fetch: rec.fn });
      const { response } = await cp.compute.GET("/servers", { params: { query: { limit: 1 } } });
      expect(response.status).toBe(200);
      const sent = rec.log.filter((e) => !e.url.startsWith(ks.authUrl)).map((e) => e.url);
      expect(sent).toEqual([`${ks.seed.compute.urls[key]}/servers?limit=1`]);
    });

    it("a region without compute_v2 throws EndpointNotFoundError", async () => {
      const cp = client({ project: { id: ks.seed.demoProj.id }, region: "RegionOne" });
      await expect(cp.compute.GET("/servers")).rejects.toBeInstanceOf(EndpointNotFoundError);
    });
  });

  it("a token revoked mid-run: 401, then exactly one re-login and one retry", async () => {
    const rec = recordingFetch(ks);
    const cp = client({ project: { id: ks.seed.demoProj.id }, fetch: rec.fn });
    expect((await cp.identity.GET("/regions")).response.status).toBe(200);
    expect(rec.logins()).toBe(1);
    await ks.revokeToken((await cp.auth.getAccess()).token);

    const { data, response } = await cp.identity.GET("/regions");
    expect(response.status).toBe(200);
    expect(data?.regions?.map((r) => r.id)).toEqual(expect.arrayContaining(["region0", "region1"]));
    expect(rec.logins()).toBe(2);
    const regionCalls = rec.log.filter((e) => e.url === `${ks.authUrl}/regions`).map((e) => e.status);
    expect(regionCalls).toEqual([200, 401, 200]);
  });
});
