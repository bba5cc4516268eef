import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CatalogService, ServiceCatalog } from "../../src/auth/types.js";
import { endpointFor, gatewayUrl, normalizeAuthUrl, serviceTypeFor, serviceUrl } from "../../src/catalog.js";
import { CloudpodsError, EndpointNotFoundError } from "../../src/errors.js";

// The real token answer from the Cloudpods docs: 24 services, region0, internal + public (+ admin for identity).
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/cloudpods-token-response.json", import.meta.url), "utf8"),
) as { token: { catalog: ServiceCatalog } };
const real = fixture.token.catalog;

const svc = (type: string, endpoints: [string, string, string][]): CatalogService => ({
  type,
  endpoints: endpoints.map(([iface, region_id, url]) => ({ interface: iface, region_id, url })),
});

describe("endpointFor on the real catalog", () => {
  it.each([
    ["compute", "public", "https://10.211.55.9:30888"],
    ["compute", "publicURL", "https://10.211.55.9:30888"],
    ["compute_v2", "internal", "https://default-region:30888"],
    ["compute", "internalURL", "https://default-region:30888"],
    ["identity", "public", "https://10.211.55.9:30500/v3"],
    ["identity", "adminURL", "https://10.211.55.9:30357/v3"],
    ["image", "public", "https://10.211.55.9:30292/v1"],
  ])("%s / %s → %s", (serviceType, iface, url) => {
    expect(endpointFor(real, { serviceType, interface: iface, region: "region0" })).toBe(url);
    expect(endpointFor(real, { serviceType, interface: iface })).toBe(url);
  });

  it("tries an interface preference list in order", () => {
    // etcd has only an internal endpoint
    expect(endpointFor(real, { serviceType: "etcd", interface: ["public", "internal"] })).toBe(
      "http://default-etcd-client.onecloud.svc:2379",
    );
    expect(endpointFor(real, { serviceType: "compute", interface: ["admin", "public", "internal"] })).toBe(
      "https://10.211.55.9:30888",
    );
  });

  it("names the filter when nothing matches", () => {
    const err = (() => {
      try {
        endpointFor(real, { serviceType: "compute", interface: "public", region: "region1", zone: "z1" });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EndpointNotFoundError);
    expect((err as Error).message).toContain("compute_v2");
    expect((err as Error).message).toContain("interface public, region region1, zone z1");
    expect((err as Error).message).toContain("public@region0");
    expect(() => endpointFor(real, { serviceType: "etcd", interface: "admin" })).toThrow(/interface admin/);
    expect(() => endpointFor(real, { serviceType: "nope", interface: "public" })).toThrow(
      /no nope endpoint .*\(it has none\)/,
    );
  });

  it("reports a missing catalog clearly", () => {
    for (const c of [undefined, []]) {
      expect(() => endpointFor(c, { serviceType: "compute", interface: "public" })).toThrow(
        /no service catalog in token \(an unscoped token, or a keystone without registered endpoints\)/,
      );
    }
  });
});

describe("endpointFor matching rules", () => {
  const catalog = [
    svc("compute_v2", [
      ["public", "region1", "https://r1-b"],
      ["public", "region1", "https://r1-a"],
      ["public", "region0", "https://r0"],
      ["public", "region1-zone1", "https://r1z1"],
      ["internal", "region0", "https://r0-int"],
      ["", "region9", "https://no-interface"],
    ]),
  ];
  const find = (region?: string, zone?: string, iface: string = "public") =>
    endpointFor(catalog, { serviceType: "compute", interface: iface, region, zone });

  it("matches the region exactly and prefers region-zone when a zone is given", () => {
    expect(find("region1", "zone1")).toBe("https://r1z1");
    expect(find("region1", "zone2")).toBe("https://r1-a");
    expect(find("region1")).toBe("https://r1-a"); // region1-zone1 is not region1
    expect(find("region0")).toBe("https://r0");
  });

  it("is deterministic without a region or with several URLs: lowest region_id, then URL", () => {
    expect(find()).toBe("https://r0");
    expect(find(undefined, "zone1")).toBe("https://r0"); // a zone alone is ignored, as in mcclient
    const reversed = [{ ...catalog[0]!, endpoints: [...catalog[0]!.endpoints].reverse() }];
    expect(endpointFor(reversed, { serviceType: "compute", interface: "public", region: "region1" })).toBe(
      "https://r1-a",
    );
  });

  it("uses the prefix rule in mcclient's direction and never matches an empty interface", () => {
    expect(find("region0", undefined, "internalURL")).toBe("https://r0-int");
    expect(() => find("region0", undefined, "int")).toThrow(EndpointNotFoundError);
    expect(() => find("region9")).toThrow(EndpointNotFoundError);
  });

  it("skips a malformed endpoint without a URL instead of returning undefined", () => {
    const broken = [svc("compute_v2", [["public", "region0", ""]])];
    delete (broken[0]!.endpoints[0] as { url?: string }).url;
    expect(() => endpointFor(broken, { serviceType: "compute", interface: "public" })).toThrow(
      EndpointNotFoundError,
    );
  });

  it("looks across every catalog entry of the type", () => {
    const split = [svc("compute_v2", []), svc("compute_v2", [["public", "region0", "https://x"]])];
    expect(endpointFor(split, { serviceType: "compute", interface: "public" })).toBe("https://x");
  });

  it("maps compute to compute_v2 only", () => {
    expect(serviceTypeFor("compute")).toBe("compute_v2");
    expect(serviceTypeFor("image")).toBe("image");
  });
});

describe("apigateway mode (cloudpods-auth.md §3.4 example table)", () => {
  const AUTH = "https://cloud.example.com/api/s/identity/v3";
  const gw = (serviceType: string, internal: string, region?: string, zone?: string) =>
    gatewayUrl(AUTH, internal, { serviceType, region, zone });

  it.each([
    [
      "compute",
      "https://10.0.0.5:30888",
      "region0",
      undefined,
      "https://cloud.example.com/api/s/compute_v2/r/region0",
    ],
    [
      "compute",
      "https://10.0.0.5:30888",
      "region0",
      "zone0",
      "https://cloud.example.com/api/s/compute_v2/r/region0/z/zone0",
    ],
    ["compute", "https://10.0.0.5:30888", "", undefined, "https://cloud.example.com/api/s/compute_v2"],
    [
      "identity",
      "https://10.0.0.5:30500/v3",
      "region0",
      undefined,
      "https://cloud.example.com/api/s/identity/r/region0/v3",
    ],
    [
      "image",
      "https://10.0.0.5:30292",
      "region0",
      undefined,
      "https://cloud.example.com/api/s/image/r/region0",
    ],
  ])("%s (%s) region %j zone %j → %s", (type, internal, region, zone, want) => {
    expect(gw(type, internal, region, zone)).toBe(want);
  });

  it("gives the request URLs of the table", () => {
    const base = gw("compute", "https://10.0.0.5:30888", "region0");
    expect(`${base}/servers?limit=20&scope=system`).toBe(
      "https://cloud.example.com/api/s/compute_v2/r/region0/servers?limit=20&scope=system",
    );
    expect(`${gw("identity", "https://10.0.0.5:30500/v3", "region0")}/users`).toBe(
      "https://cloud.example.com/api/s/identity/r/region0/v3/users",
    );
    expect(`${gw("image", "https://10.0.0.5:30292", "region0")}/v1/images`).toBe(
      "https://cloud.example.com/api/s/image/r/region0/v1/images",
    );
  });

  it("keeps an endpoint path such as k8s /api and drops scheme and host", () => {
    expect(gw("k8s", "https://default-kubeserver:30442/api", "region0")).toBe(
      "https://cloud.example.com/api/s/k8s/r/region0/api",
    );
  });

  it("refuses an auth URL that is not a gateway URL", () => {
    const e = (() => {
      try {
        gatewayUrl("https://10.211.55.9:30500/v3", "https://x:1", { serviceType: "compute" });
      } catch (err) {
        return err as CloudpodsError;
      }
    })();
    expect(CloudpodsError.isInstance(e)).toBe(true);
    expect(e?.code).toBe("InvalidConfig");
    expect(e?.message).toContain("https://<apigateway-host>/api/s/identity/v3");
  });

  it("resolves through the internal endpoints of the real catalog", () => {
    const o = { endpointType: "apigateway" as const, authUrl: AUTH, region: "region0" };
    expect(serviceUrl(real, { ...o, serviceType: "compute" })).toBe(
      "https://cloud.example.com/api/s/compute_v2/r/region0",
    );
    expect(serviceUrl(real, { ...o, serviceType: "identity" })).toBe(
      "https://cloud.example.com/api/s/identity/r/region0/v3",
    );
    expect(serviceUrl(real, { ...o, serviceType: "image" })).toBe(
      "https://cloud.example.com/api/s/image/r/region0/v1",
    );
  });
});

describe("serviceUrl identity fallback (mcclient's identity hack)", () => {
  const AUTH = "https://10.211.55.9:30500/v3";
  it("uses the catalog URL when it exists with the auth URL's scheme", () => {
    expect(serviceUrl(real, { serviceType: "identity", endpointType: "admin", authUrl: AUTH })).toBe(
      "https://10.211.55.9:30357/v3",
    );
  });
  it("falls back to the auth URL without a catalog or on a scheme mismatch", () => {
    expect(serviceUrl(undefined, { serviceType: "identity", endpointType: "public", authUrl: AUTH })).toBe(
      AUTH,
    );
    const http = [svc("identity", [["public", "region0", "http://10.211.55.9:30500/v3"]])];
    expect(serviceUrl(http, { serviceType: "identity", endpointType: "public", authUrl: AUTH })).toBe(AUTH);
  });
  it("appends /v3 to an identity URL without it, as mcclient's joinUrl does for /v3/... paths", () => {
    const openstack = [
      svc("identity", [
        ["public", "RegionOne", "http://10.0.0.9:5000"],
        ["internal", "RegionOne", "http://10.0.0.9:5000/"],
        ["admin", "RegionOne", "http://10.0.0.9:35357/v3/"],
      ]),
    ];
    const http = "http://10.0.0.9:5000/v3";
    const url = (endpointType: "public" | "internal" | "admin") =>
      serviceUrl(openstack, { serviceType: "identity", endpointType, authUrl: http });
    expect([url("public"), url("internal"), url("admin")]).toEqual([
      "http://10.0.0.9:5000/v3",
      "http://10.0.0.9:5000/v3",
      "http://10.0.0.9:35357/v3",
    ]);
    // The real Cloudpods catalog already ends in /v3; other services are left alone.
    expect(serviceUrl(real, { serviceType: "identity", endpointType: "public", authUrl: AUTH })).toBe(
      "https://10.211.55.9:30500/v3",
    );
    expect(serviceUrl(real, { serviceType: "image", endpointType: "public", authUrl: AUTH })).toBe(
      "https://10.211.55.9:30292/v1",
    );
    // Through a gateway whose internal identity endpoint has no version.
    const gw = [svc("identity", [["internal", "region0", "https://default-keystone:30500"]])];
    expect(
      serviceUrl(gw, {
        serviceType: "identity",
        endpointType: "apigateway",
        authUrl: "https://cloud.example.com/api/s/identity/v3",
        region: "region0",
      }),
    ).toBe("https://cloud.example.com/api/s/identity/r/region0/v3");
  });

  it("does not fall back for other services, and strips a trailing slash", () => {
    expect(() =>
      serviceUrl(undefined, { serviceType: "compute", endpointType: "public", authUrl: AUTH }),
    ).toThrow(EndpointNotFoundError);
    const slash = [svc("compute_v2", [["public", "r", "https://h:30888/"]])];
    expect(serviceUrl(slash, { serviceType: "compute", endpointType: "public", authUrl: AUTH })).toBe(
      "https://h:30888",
    );
  });
});

describe("normalizeAuthUrl", () => {
  it("drops every trailing slash and nothing else", () => {
    expect(normalizeAuthUrl("https://h:30500/v3//")).toBe("https://h:30500/v3");
    expect(normalizeAuthUrl("https://h:30500/v3")).toBe("https://h:30500/v3");
  });
});
