// The sandbox through the real client: logins of every kind, AK/SK verification, 403 on a revoked or
// expired token, the server status clock, validation and 501s from the specs, faults, the API gateway,
// paging, and close() releasing everything. The status clock is driven by hand (a step of one minute that
// never fires on its own), so nothing here depends on wall-clock time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCloudpods, type Cloudpods, type CloudpodsOptions } from "../../src/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";

let sb: Sandbox;
const clients: Cloudpods[] = [];

beforeAll(async () => {
  sb = await startSandbox({ statusDelayMs: 60_000 });
});
afterEach(async () => {
  sb.faults.clear();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await sb.close();
});

function client(o: Partial<CloudpodsOptions> = {}): Cloudpods {
  const c = createCloudpods({
    authUrl: sb.authUrl,
    credentials: { username: sb.admin.username, password: sb.admin.password, domain: sb.admin.domain },
    project: { name: sb.admin.project, domain: sb.admin.domain },
    region: "region0",
    retry: false,
    ...o,
  });
  clients.push(c);
  return c;
}

/** createServer answers one server or a batch (`count` > 1); these tests create one. */
const one = (data: unknown): { id: string; status?: string } =>
  (data as { server: { id: string; status?: string } }).server;

const serverStatus = async (c: Cloudpods, id: string): Promise<string | undefined> =>
  (await c.compute.GET("/servers/{id}/status", { params: { path: { id } } })).data?.server?.status;

describe("identity", () => {
  it("password login gives a catalog with identity, compute_v2 and image in region0 and compute_v2 in region1", async () => {
    const catalog = (await client().catalog())!;
    const where = catalog
      .flatMap((s) => s.endpoints.map((e) => `${s.type}@${e.region_id}/${e.interface}`))
      .sort();
    expect(where).toEqual([
      "compute_v2@region0/internal",
      "compute_v2@region0/public",
      "compute_v2@region1/internal",
      "compute_v2@region1/public",
      "identity@region0/internal",
      "identity@region0/public",
      "image@region0/internal",
      "image@region0/public",
    ]);
  });

  it("wrong password is 401 WrongPassword; an unknown user is 404 UserNotFound", async () => {
    await expect(
      client({ credentials: { username: "sysadmin", password: "nope" } }).catalog(),
    ).rejects.toMatchObject({
      status: 401,
      class: "WrongPassword",
    });
    await expect(
      client({ credentials: { username: "nobody", password: "x" } }).catalog(),
    ).rejects.toMatchObject({
      status: 404,
      class: "UserNotFound",
    });
  });

  it("token login reuses a token; a revoked one is refused at login (401) and on calls (403)", async () => {
    const first = client();
    const { token } = await first.auth.getAccess();
    const second = client({ credentials: { token } });
    expect((await second.compute.GET("/zones")).response.status).toBe(200);
    expect(sb.revokeToken(token)).toBe(true);
    const denied = await first.compute.GET("/zones");
    expect(denied.response.status).toBe(403);
    expect(denied.error).toMatchObject({ class: "ForbiddenError" });
    await expect(client({ credentials: { token } }).catalog()).rejects.toMatchObject({
      status: 401,
      class: "UnauthorizedError",
    });
  });

  it("an expired token is refused with 403 too", async () => {
    const c = client();
    const { token } = await c.auth.getAccess();
    sb.expireToken(token);
    expect((await c.identity.GET("/projects")).response.status).toBe(403);
  });

  it("AK/SK: a credential made with POST /credentials logs in; a wrong secret is 401 signature mismatch", async () => {
    const admin = client();
    const secret = Buffer.from("sandbox-test-secret-0123456789ab").toString("base64url") + "=";
    const made = await admin.identity.POST("/credentials", {
      body: { credential: { type: "aksk", name: "test-key", blob: JSON.stringify({ expire: 0, secret }) } },
    });
    const accessKey = made.data!.credential!.id!;
    const aksk = client({ credentials: { accessKey, secret }, project: undefined });
    const access = await aksk.auth.getAccess();
    expect(access.methods).toEqual(["aksk"]);
    expect(access.project?.name).toBe(sb.admin.project);
    expect((await aksk.compute.GET("/servers")).data).toEqual({ servers: [] });
    await expect(
      client({ credentials: { accessKey, secret: secret.replace(/^./, "x") }, project: undefined }).catalog(),
    ).rejects.toMatchObject({
      status: 401,
      class: "UnauthorizedError",
      details: expect.stringContaining("signature mismatch"),
    });
    await expect(
      client({ credentials: { accessKey: "0".repeat(32), secret }, project: undefined }).catalog(),
    ).rejects.toMatchObject({ status: 401, details: expect.stringContaining("invalid access key id") });
  });

  it("an unscoped token can log in but not call resources (403)", async () => {
    const c = client({ project: undefined });
    expect((await c.auth.getAccess()).catalog).toBeUndefined();
    const res = await fetch(`${sb.authUrl}/projects`, {
      headers: { "x-auth-token": (await c.auth.getAccess()).token },
    });
    expect(res.status).toBe(403);
  });
});

describe("compute", () => {
  it("a server walks init → schedule → … → running, stops to ready, starts, and deletes to the recycle bin", async () => {
    const c = client();
    const created = await c.compute.POST("/servers", {
      body: {
        server: {
          name: "vm-life",
          vcpu_count: 1,
          vmem_size: 512,
          disks: [{ image_id: "cirros-0.6.2-x86_64" }],
        },
      },
    });
    const id = one(created.data).id;
    expect(one(created.data).status).toBe("init");
    const seen: (string | undefined)[] = [];
    for (let i = 0; i < 6; i++) {
      sb.clock.advance(1);
      seen.push(await serverStatus(c, id));
    }
    expect(seen).toEqual(["schedule", "create_disk", "start_deploy", "deploying", "starting", "running"]);
    await c.compute.POST("/servers/{id}/stop", { params: { path: { id } } });
    sb.clock.advance(1);
    expect(await serverStatus(c, id)).toBe("stopping");
    sb.clock.settle();
    expect(await serverStatus(c, id)).toBe("ready");
    await c.compute.POST("/servers/{id}/start", { params: { path: { id } } });
    sb.clock.settle();
    expect(await serverStatus(c, id)).toBe("running");

    const deleted = await c.compute.DELETE("/servers/{id}", { params: { path: { id } } });
    expect(deleted.data?.server?.pending_deleted).toBe(true);
    expect((await c.compute.GET("/servers")).data).toEqual({ servers: [] });
    const bin = await c.compute.GET("/servers", { params: { query: { pending_delete: "true" } } as never });
    expect(bin.data?.servers?.map((s) => s.id)).toEqual([id]);
    await c.compute.DELETE("/servers/{id}", {
      params: { path: { id }, query: { override_pending_delete: true } },
    });
    sb.clock.settle();
    expect((await c.compute.GET("/servers/{id}", { params: { path: { id } } })).response.status).toBe(404);
  });

  it("an unknown image is 404 at once; a system disk from a queued image ends in disk_fail", async () => {
    const c = client();
    const bad = await c.compute.POST("/servers", {
      body: {
        server: { name: "vm-bad", vcpu_count: 1, vmem_size: 512, disks: [{ image_id: "no-such-image" }] },
      },
    });
    expect(bad.response.status).toBe(404);
    expect(bad.error).toMatchObject({ class: "ResourceNotFoundError" });

    const imageUrl = sb.endpoints.find((e) => e.serviceType === "image" && e.interface === "public")!.url;
    const token = (await c.auth.getAccess()).token;
    const queued = await fetch(`${imageUrl}/images`, {
      method: "POST",
      headers: {
        "x-auth-token": token,
        "x-image-meta-name": "never-uploaded",
        "x-image-meta-protected": "false",
      },
    });
    expect(queued.status).toBe(200);
    const failing = await c.compute.POST("/servers", {
      body: {
        server: { name: "vm-fail", vcpu_count: 1, vmem_size: 512, disks: [{ image_id: "never-uploaded" }] },
      },
    });
    sb.clock.settle();
    expect(await serverStatus(c, one(failing.data).id)).toBe("disk_fail");
  });

  it("validates requests from the spec (400) and serves every operation of the Cloudpods specs", async () => {
    const c = client();
    const invalid = await c.compute.POST("/servers", {
      body: { server: { name: "x", vcpu_count: "many" } } as never,
    });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error).toMatchObject({ class: "InputParameterError" });
    // Every operation of the Cloudpods specs is routed: with state, or 501 naming it (router.test.ts).
    expect(sb.operations.withState.length).toBeGreaterThan(150);
    for (const op of sb.operations.notImplemented) expect(sb.operations.withState).not.toContain(op);
    expect(sb.operations.withState).toEqual(
      expect.arrayContaining(["compute:createServer", "identity:authenticate", "image:createImage"]),
    );
  });

  it("change-config needs a stopped server; reset, suspend and resume walk their statuses", async () => {
    const c = client();
    const created = await c.compute.POST("/servers", {
      body: {
        server: {
          name: "vm-act",
          vcpu_count: 1,
          vmem_size: 512,
          disks: [{ image_id: "cirros-0.6.2-x86_64" }],
        },
      },
    });
    const id = one(created.data).id;
    sb.clock.settle();
    const refused = await c.compute.POST("/servers/{id}/change-config", {
      params: { path: { id } },
      body: { server: { vcpu_count: 2 } },
    });
    expect(refused.error).toMatchObject({ code: 400, class: "InvalidStatusError" });
    await c.compute.POST("/servers/{id}/reset", { params: { path: { id } } });
    sb.clock.advance(1);
    expect(await serverStatus(c, id)).toBe("stopping");
    sb.clock.settle();
    expect(await serverStatus(c, id)).toBe("running");
    await c.compute.DELETE("/servers/{id}", {
      params: { path: { id }, query: { override_pending_delete: true } },
    });
    sb.clock.settle();
  });

  it("pages with limit/offset: offset only when non-zero, totals on networks", async () => {
    const c = client();
    for (const name of ["za", "zb"]) await c.compute.POST("/zones", { body: { zone: { name } } as never });
    const page2 = await c.compute.GET("/zones", { params: { query: { limit: 1, offset: 1 } } });
    expect(Object.keys(page2.data!).sort()).toEqual(["limit", "offset", "total", "zones"]);
    const page1 = await c.compute.GET("/zones", { params: { query: { limit: 1 } } });
    expect(Object.keys(page1.data!).sort()).toEqual(["limit", "total", "zones"]);
    const names: string[] = [];
    for await (const z of c.compute.paginate("/zones", { query: { limit: 1 } })) names.push(String(z.name));
    expect(names).toEqual(["zone0", "za", "zb"]);
    expect((await c.compute.GET("/networks")).data).toHaveProperty("totals.count", 1);
  });
});

describe("faults, gateway, close", () => {
  it("fails, resets and delays the next matching requests, then answers normally", async () => {
    const c = client();
    await c.catalog();
    const rule = sb.faults.failNext({ method: "GET", path: "/servers", status: 503, times: 2 });
    expect((await c.compute.GET("/servers")).error).toMatchObject({
      code: 503,
      class: "ServiceUnavailableError",
    });
    expect((await c.compute.GET("/servers")).response.status).toBe(503);
    expect((await c.compute.GET("/servers")).response.status).toBe(200);
    expect(rule).toMatchObject({ hits: 2, remaining: 0 });
    sb.faults.resetNext({ path: "/zones" });
    await expect(c.compute.GET("/zones")).rejects.toThrow();
    sb.faults.delayNext({ path: /\/zones$/, ms: 5 });
    expect((await c.compute.GET("/zones")).response.status).toBe(200);
  });

  it("refuses bad fault and clock options with an InvalidConfig error", async () => {
    expect(() => sb.faults.failNext({ path: "/servers", status: 200 })).toThrow(
      expect.objectContaining({ code: "InvalidConfig", message: expect.stringContaining("status") }),
    );
    expect(() => sb.faults.resetNext({ path: "/servers", times: 0 })).toThrow(
      expect.objectContaining({ code: "InvalidConfig" }),
    );
    await expect(startSandbox({ statusDelayMs: -1 })).rejects.toMatchObject({ code: "InvalidConfig" });
  });

  it("serves login, compute and identity through the API gateway", async () => {
    const c = client({ authUrl: sb.gatewayAuthUrl });
    expect((await c.compute.GET("/servers")).response.status).toBe(200);
    expect((await c.identity.GET("/projects")).data?.projects?.length).toBeGreaterThan(0);
    const region1 = client({ authUrl: sb.gatewayAuthUrl, region: "region1" });
    expect((await region1.compute.GET("/zones")).response.status).toBe(200);
    const gw = new URL(sb.gatewayAuthUrl).origin;
    const unknown = await fetch(`${gw}/api/s/compute_v2/r/nosuchregion/servers`);
    expect(unknown.status).toBe(500);
    expect(((await unknown.json()) as { details: string }).details).toContain("BadRequestError");
    const proxied = await fetch(`${gw}/api/s/compute/servers`);
    expect(proxied.status).toBe(403);
    expect(proxied.headers.get("x-request-id")).toMatch(/^[0-9a-f]+, [0-9a-f]+$/);
  });

  it("close() releases every listener, socket and timer", async () => {
    const handles = () =>
      process
        .getActiveResourcesInfo()
        .filter((r) => r === "TCPServerWrap" || r === "TCPSocketWrap" || r === "Timeout").length;
    const before = handles();
    const own = await startSandbox({ statusDelayMs: 60_000 });
    const c = createCloudpods({
      authUrl: own.authUrl,
      credentials: { username: own.admin.username, password: own.admin.password, domain: own.admin.domain },
      project: { name: own.admin.project, domain: own.admin.domain },
    });
    await c.compute.POST("/servers", {
      body: {
        server: {
          name: "vm-close",
          vcpu_count: 1,
          vmem_size: 512,
          disks: [{ image_id: "cirros-0.6.2-x86_64" }],
        },
      },
    });
    own.faults.delayNext({ path: "/zones", ms: 60_000 });
    const held = c.compute.GET("/zones").catch((e: unknown) => e);
    expect(own.clock.pending).toBeGreaterThan(0);
    await c.close();
    await own.close();
    await held;
    expect(own.clock.pending).toBe(0);
    await expect(fetch(own.authUrl)).rejects.toThrow();
    // Closed handles leave the list on a later turn of the event loop; bounded wait.
    for (let i = 0; i < 50 && handles() > before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(handles()).toBeLessThanOrEqual(before);
  });
});
