// The compute contract, both ways: the real client logs in against a REAL Keystone, takes the compute_v2
// public endpoint of region0 from the catalog (pointed at Prism), and every request it builds must be one
// Prism accepts while serving specs/compute.yaml with request validation on; every answer it gets is the
// spec's own example. Skipped only with CLOUDPODS_SKIP_INTEGRATION=1.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCloudpods, type Cloudpods } from "../../src/client.js";
import { integrationSkipped, startKeystone, type KeystoneHandle } from "./keystone-server.js";
import { startPrism, type PrismHandle, type PrismRequest } from "./prism-server.js";

const SPEC = fileURLToPath(new URL("../../specs/compute.yaml", import.meta.url));
/** The server id of the spec's examples. */
const SERVER = "5b7d1a3c-9e0f-4c2a-8b6d-2f1e0a9c3d47";

const line = (r: PrismRequest): string => `${r.method} ${r.url}`;
const queryOf = (r: PrismRequest | undefined): URLSearchParams => new URLSearchParams(r?.url.split("?")[1]);

describe.skipIf(integrationSkipped)("compute contract: real client → real Keystone → Prism", () => {
  let ks: KeystoneHandle | undefined;
  let prism: PrismHandle | undefined;
  let cp: Cloudpods;

  beforeAll(async () => {
    const [p, k] = await Promise.allSettled([startPrism(SPEC), startKeystone()]);
    if (p.status === "fulfilled") prism = p.value;
    if (k.status === "fulfilled") ks = k.value;
    if (p.status === "rejected") throw p.reason;
    if (k.status === "rejected") throw k.reason;
    const keystone = k.value;
    await keystone.setComputeUrl("region0Public", p.value.baseUrl);
    cp = createCloudpods({
      authUrl: keystone.authUrl,
      credentials: {
        username: keystone.seed.demo.name,
        password: keystone.seed.demo.password,
        domain: "Default",
      },
      project: { name: keystone.seed.demoProj.name, domain: "Default" },
      region: "region0",
      endpointType: "public",
    });
  });

  afterAll(async () => {
    await cp?.close();
    await Promise.all([prism?.stop(), ks?.stop()]);
  });

  /** What Prism saw while `call` ran; fails on any spec violation or a non-200 answer. */
  async function throughPrism(call: () => Promise<{ response: Response }>): Promise<PrismRequest[]> {
    const before = prism!.requests.length;
    const { response } = await call();
    const seen = prism!.requests.slice(before);
    const broken = seen.filter((r) => r.violations !== undefined || r.status !== 200);
    expect(broken, `Prism refused: ${JSON.stringify(broken, null, 2)}`).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(response.status).toBe(200);
    return seen;
  }

  it("GET /servers with limit and details goes to the region0 public endpoint and is accepted", async () => {
    let data: unknown;
    const [seen] = await throughPrism(async () => {
      const res = await cp.compute.GET("/servers", { params: { query: { limit: 10, details: true } } });
      data = res.data;
      return res;
    });
    expect(seen?.url).toMatch(/^\/servers\?/);
    expect(Object.fromEntries(queryOf(seen))).toEqual({ limit: "10", details: "true" });
    expect(data).toMatchObject({ servers: [{ id: SERVER }] });
  });

  it("POST /servers with count (batch create)", async () => {
    const body = {
      count: 2,
      server: {
        generate_name: "web-##",
        instance_type: "ecs.g1.c2m4",
        disks: [{ image_id: "CentOS-7.9-x86_64.qcow2" }],
        nets: [{ network: "vnet-100" }],
      },
    };
    const seen = await throughPrism(() => cp.compute.POST("/servers", { body }));
    expect(seen.map(line)).toEqual(["POST /servers"]);
  });

  it("a server action (POST /servers/{id}/start)", async () => {
    const seen = await throughPrism(() =>
      cp.compute.POST("/servers/{id}/start", { params: { path: { id: SERVER } }, body: { server: {} } }),
    );
    expect(seen.map(line)).toEqual([`POST /servers/${SERVER}/start`]);
  });

  it("DELETE /servers/{id} with query options", async () => {
    const [seen] = await throughPrism(() =>
      cp.compute.DELETE("/servers/{id}", {
        params: { path: { id: SERVER }, query: { override_pending_delete: true, purge: true } },
      }),
    );
    expect(seen?.url.split("?")[0]).toBe(`/servers/${SERVER}`);
    expect(Object.fromEntries(queryOf(seen))).toEqual({ override_pending_delete: "true", purge: "true" });
  });

  it("paginate walks /servers through Prism", async () => {
    const before = prism!.requests.length;
    const ids: string[] = [];
    // maxPages bounds the walk: Prism answers every page with the same example.
    for await (const server of cp.compute.paginate("/servers", { query: { limit: 5 }, maxPages: 3 })) {
      ids.push(server.id ?? "");
    }
    expect(ids).toEqual([SERVER]); // the example page says total 1
    const seen = prism!.requests.slice(before);
    expect(seen.map(line)).toEqual(["GET /servers?limit=5"]);
    expect(seen.filter((r) => r.violations !== undefined)).toEqual([]);
  });

  it("a request that breaks the spec is caught (the check above can fail)", async () => {
    const before = prism!.requests.length;
    // limit must be an integer: sent raw, past the types, to prove Prism reports the violation.
    await fetch(`${prism!.baseUrl}/servers?limit=many`, {
      headers: { "X-Auth-Token": (await cp.auth.getAccess()).token },
    });
    const [seen] = prism!.requests.slice(before);
    expect(seen?.violations).toContain("limit");
    prism!.requests.splice(before); // not the client's request: keep the final check about the client
  });

  it("Prism saw no request from the client that broke the spec", () => {
    expect(prism!.requests.length).toBeGreaterThanOrEqual(5);
    expect(prism!.violations()).toEqual([]);
  });
});
