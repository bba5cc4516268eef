// AliyunApiGatewayAuth through createTypedClient against the verifying fake gateway: every attempt signed
// afresh, gateway answers typed, endpoint kinds checked, the AppSecret never shown.
import { afterEach, describe, expect, it } from "vitest";
import { CloudpodsError } from "../../src/errors.js";
import {
  AliyunApiGatewayAuth,
  ApiGatewayError,
  type AliyunApiGatewayAuthOptions,
} from "../../src/gateways/aliyun.js";
import { createTypedClient, type TypedClientOptions } from "../../src/typed-client.js";
import { startFakeGateway, type FakeGateway } from "./aliyun-fake.js";

type Json = { content: { "application/json": Record<string, unknown> } };
interface Paths {
  "/items": {
    get: { parameters: { query?: { q?: string; tag?: string[]; empty?: string } }; responses: { 200: Json } };
    post: { requestBody: Json; responses: { 200: Json } };
    put: {
      requestBody: { content: { "application/x-www-form-urlencoded": Record<string, string> } };
      responses: { 200: Json };
    };
  };
}

const T0 = 1_764_000_000_000;
let gw: FakeGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function setup(
  auth: Partial<AliyunApiGatewayAuthOptions> = {},
  client: Partial<TypedClientOptions<null>> = {},
) {
  let clock = T0;
  let n = 0;
  gw = await startFakeGateway({ keys: { appKey: "s3cret-app-secret" }, now: () => clock });
  const plugin = new AliyunApiGatewayAuth({
    appKey: "appKey",
    appSecret: "s3cret-app-secret",
    endpoint: "public",
    allowInsecureHttp: true,
    stage: "TEST",
    now: () => (clock += 1000),
    nonce: () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
    ...auth,
  });
  const api = createTypedClient<Paths, null>({
    baseUrl: gw.url,
    auth: plugin,
    fetch: (req) => fetch(req),
    random: () => 0,
    sleep: async () => {},
    ...client,
  });
  return { api, gw };
}

describe("AliyunApiGatewayAuth", () => {
  it("signs a GET with a query (repeated, empty and non-ASCII values) that the gateway verifies", async () => {
    const { api, gw } = await setup();
    const r = await api.GET("/items", { params: { query: { q: "中文 x", tag: ["b", "a"], empty: "" } } });
    expect(r.response.status).toBe(200);
    const [got] = gw.received;
    expect(got?.verified).toBe(true);
    expect(got?.headers["x-ca-stage"]).toBe("TEST");
    expect(got?.headers["accept"]).toBe("application/json");
    expect(got?.stringToSign.split("\n").at(-1)).toBe("/items?empty&q=中文 x&tag=b");
  });

  it("signs JSON bodies with Content-MD5 and form bodies by their fields", async () => {
    const { api, gw } = await setup({ signatureMethod: "HmacSHA1" });
    expect((await api.POST("/items", { body: { name: "bob", city: "北京" } })).response.status).toBe(200);
    const put = await api.PUT("/items", {
      body: { b: "2", a: "é" },
      bodySerializer: (b) => new URLSearchParams(b).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8" },
    });
    expect(put.response.status).toBe(200);
    const [post, form] = gw.received;
    expect(post?.verified && form?.verified).toBe(true);
    expect(post?.headers["content-md5"]).toMatch(/==$/);
    expect(form?.headers["content-md5"]).toBeUndefined();
    expect(form?.stringToSign.endsWith("/items?a=é&b=2")).toBe(true);
  });

  it("re-signs every retry: a new nonce and timestamp, all verified", async () => {
    const { api, gw } = await setup();
    gw.script.push({ status: 503 }, { status: 502 });
    expect((await api.GET("/items")).response.status).toBe(200);
    expect(gw.received.map((r) => r.verified)).toEqual([true, true, true]);
    const nonces = new Set(gw.received.map((r) => r.headers["x-ca-nonce"]));
    const stamps = new Set(gw.received.map((r) => r.headers["x-ca-timestamp"]));
    expect(nonces.size).toBe(3);
    expect(stamps.size).toBe(3);
  });

  it("the default Node transport (undici) sends exactly what was signed", async () => {
    const { gw } = await setup();
    const api = createTypedClient<Paths, null>({
      baseUrl: gw.url,
      auth: new AliyunApiGatewayAuth({
        appKey: "appKey",
        appSecret: "s3cret-app-secret",
        endpoint: "public",
        allowInsecureHttp: true,
        now: () => T0 + 1,
      }),
    });
    try {
      expect((await api.POST("/items", { body: { a: "中" } })).response.status).toBe(200);
      expect((await api.GET("/items", { params: { query: { q: "x y" } } })).response.status).toBe(200);
      expect(gw.received.map((r) => r.verified)).toEqual([true, true]);
    } finally {
      await api.close();
    }
  });

  it("never replays a 401: no fresh credential can help a signature", async () => {
    const { api, gw } = await setup();
    gw.script.push({ status: 401 });
    expect((await api.GET("/items")).response.status).toBe(401);
    expect(gw.received).toHaveLength(1);
  });

  it("turns a gateway-made answer into ApiGatewayError with its code and request id", async () => {
    const { api, gw } = await setup({}, { retry: false });
    gw.script.push({ status: 503, code: "D503CB", message: "Backend circuit breaker is open" });
    const err = (await api.GET("/items").catch((e: unknown) => e)) as ApiGatewayError;
    expect(err).toBeInstanceOf(ApiGatewayError);
    expect(err).toMatchObject({ status: 503, code: "D503CB", requestId: "REQ-1" });
    expect(err.message).toContain("Backend circuit breaker is open");
  });

  it("a refused signature: the server's StringToSign is kept off the message and JSON, no secret anywhere", async () => {
    const { api, gw } = await setup({ appSecret: "wrong-secret-value" });
    const err = (await api
      .POST("/items", { body: { password: "hunter22" } })
      .catch((e: unknown) => e)) as ApiGatewayError;
    expect(err).toBeInstanceOf(ApiGatewayError);
    expect(err).toMatchObject({ status: 400, code: "A400IS", details: "Invalid Signature" });
    expect(err.serverStringToSign).toBe(gw.received[0]?.stringToSign);
    const shown = `${err.message} ${err.stack} ${JSON.stringify(err)}`;
    expect(shown).not.toContain("wrong-secret-value");
    expect(shown).not.toContain("x-ca-nonce");
  });

  it("keeps the AppSecret out of debug lines, inspect and JSON", async () => {
    const lines: string[] = [];
    const { api } = await setup({}, { onDebug: (l) => lines.push(l) });
    await api.GET("/items");
    expect(lines.join("\n")).toContain("x-ca-signature");
    expect(lines.join("\n")).not.toContain("s3cret-app-secret");
    const { inspect } = await import("node:util");
    expect(`${inspect(api.auth)} ${JSON.stringify(api.auth)}`).not.toContain("s3cret-app-secret");
  });
});

describe("endpoint kinds", () => {
  const make = (
    endpoint: AliyunApiGatewayAuthOptions["endpoint"],
    baseUrl: string,
    allowInsecureHttp = false,
  ) =>
    createTypedClient<Paths, null>({
      baseUrl,
      auth: new AliyunApiGatewayAuth({ appKey: "k", appSecret: "s", endpoint, allowInsecureHttp }),
      fetch: (req) => fetch(req),
    });
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return CloudpodsError.isInstance(e) ? `${e.code}: ${e.message}` : "untyped";
    }
    return "ok";
  };

  it("VPC domains are HTTP only, and HTTP must be asked for", () => {
    expect(code(() => make("vpc", "https://group-vpc.example.test"))).toMatch(
      /^InvalidConfig: .*does not support HTTPS/,
    );
    expect(code(() => make("vpc", "http://group-vpc.example.test"))).toMatch(
      /^InvalidConfig: .*allowInsecureHttp/,
    );
    expect(code(() => make("vpc", "http://group-vpc.example.test", true))).toBe("ok");
  });

  it("custom domains are HTTPS only; public ones take either", () => {
    expect(code(() => make("custom", "http://api.example.test", true))).toMatch(/^InvalidConfig: .*https/);
    expect(code(() => make("custom", "https://api.example.test"))).toBe("ok");
    expect(code(() => make("public", "https://abc-cn-qingdao.example.test"))).toBe("ok");
  });

  it("refuses missing keys and unknown kinds with typed errors", () => {
    expect(() => new AliyunApiGatewayAuth({ appKey: "", appSecret: "s", endpoint: "vpc" })).toThrow(
      /appKey and appSecret/,
    );
    const bad = {
      appKey: "k",
      appSecret: "s",
      endpoint: "intranet",
    } as unknown as AliyunApiGatewayAuthOptions;
    expect(code(() => new AliyunApiGatewayAuth(bad))).toMatch(/^InvalidConfig/);
  });
});
