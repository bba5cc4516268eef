// The Request our service clients give openapi-fetch and the Response the Node transport answers with: both
// must look like the web-standard classes to middleware and callers.
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { LightRequest, bodyBytes, signalOf } from "../../src/request.js";
import { BufferedResponse } from "../../src/response.js";

const json = new TextEncoder().encode('{"servers":[{"id":"a"}],"total":1}');

describe("LightRequest", () => {
  it("keeps the URL string, openapi-fetch's Headers and no signal unless one is given", async () => {
    const headers = new Headers({ "x-a": "1" });
    const r = new LightRequest("http://h.invalid/servers?limit=2", { method: "get", headers });
    expect(r).toBeInstanceOf(Request);
    expect([r.url, r.method, r.headers, r.redirect]).toEqual([
      "http://h.invalid/servers?limit=2",
      "GET",
      headers,
      "follow",
    ]);
    expect(signalOf(r as unknown as Request)).toBeUndefined();
    expect(r.signal.aborted).toBe(false);
    const q = r as unknown as Request;
    expect([q.cache, q.mode, q.body, q.bodyUsed]).toEqual(["default", "cors", null, false]);
    expect(await bodyBytes(r as unknown as Request)).toBeNull();
    const ctrl = new AbortController();
    expect(
      signalOf(new LightRequest("http://h.invalid/", { signal: ctrl.signal }) as unknown as Request),
    ).toBe(ctrl.signal);
  });

  it("reads a string body once, in every form, and clones it before that", async () => {
    const r = new LightRequest("http://h.invalid/", { method: "POST", body: '{"a":1}' });
    expect(r.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
    const c = r.clone();
    expect(await c.json()).toEqual({ a: 1 });
    expect(c.bodyUsed).toBe(true);
    await expect(c.text()).rejects.toThrow(TypeError);
    expect(new TextDecoder().decode((await bodyBytes(r as unknown as Request))!)).toBe('{"a":1}');
    expect(() => r.clone()).toThrow(TypeError);
    const s = new LightRequest("http://h.invalid/", { method: "PUT", body: "xy" });
    expect(await new Response(s.body).text()).toBe("xy");
    expect(s.bodyUsed).toBe(true);
  });

  it("hands anything it does not model to a real Request, which keeps its own checks", () => {
    const form = new FormData();
    form.set("a", "1");
    const r = new LightRequest("http://h.invalid/", { method: "POST", body: form });
    expect(r.constructor).toBe(Request);
    expect(r.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
    expect(new LightRequest("http://h.invalid/", { cache: "no-store" }).constructor).toBe(Request);
    expect(() => new LightRequest("http://h.invalid/", { method: "GET", body: "x" })).toThrow(TypeError);
  });

  it("passes through openapi-fetch with middleware that returns it", async () => {
    const seen: Request[] = [];
    const client = createClient<Record<string, never>>({
      baseUrl: "http://h.invalid",
      Request: LightRequest as unknown as typeof Request,
      fetch: async (req) => (
        seen.push(req),
        new Response("{}", { headers: { "content-type": "application/json" } })
      ),
    });
    client.use({ onRequest: ({ request }) => (request.headers.set("x-m", "1"), request) });
    const { data } = await (
      client as unknown as { GET: (p: string, o: object) => Promise<{ data: unknown }> }
    ).GET("/servers", { params: { query: { limit: 2, details: true } } });
    expect(data).toEqual({});
    expect(seen[0]).toBeInstanceOf(LightRequest);
    expect([seen[0]!.url, seen[0]!.headers.get("x-m")]).toEqual([
      "http://h.invalid/servers?limit=2&details=true",
      "1",
    ]);
  });
});

describe("BufferedResponse", () => {
  const make = () =>
    new BufferedResponse(
      json.slice(),
      { status: 200, headers: { "content-type": "application/json" } },
      "http://h/x",
    );

  it("is a Response whose readers take the bytes once", async () => {
    const r = make();
    expect(r).toBeInstanceOf(Response);
    expect([r.status, r.ok, r.url, r.headers.get("content-type"), r.bodyUsed]).toEqual([
      200,
      true,
      "http://h/x",
      "application/json",
      false,
    ]);
    expect(await r.json()).toEqual({ servers: [{ id: "a" }], total: 1 });
    expect(r.bodyUsed).toBe(true);
    await expect(r.text()).rejects.toThrow(TypeError);
    expect(() => r.clone()).toThrow(TypeError);
    expect(JSON.parse(new TextDecoder().decode(await make().arrayBuffer()))).toEqual({
      servers: [{ id: "a" }],
      total: 1,
    });
    expect((await make().bytes()).length).toBe(json.length);
    expect((await make().blob()).type).toBe("application/json");
    await expect(
      make()
        .json()
        .then(() => make().text()),
    ).resolves.toContain("servers");
  });

  it("makes `body` on demand, and clones before or after that", async () => {
    const r = make();
    const c = r.clone();
    const stream = r.body;
    expect(stream).toBeInstanceOf(ReadableStream);
    expect(r.body).toBe(stream);
    const c2 = r.clone();
    // As with a real Response, cloning tees the stream: `body` is a fresh branch afterwards.
    expect(await new Response(r.body).text()).toBe(new TextDecoder().decode(json));
    expect(r.bodyUsed).toBe(true);
    expect(await c.text()).toBe(await c2.text());
    expect(() => new BufferedResponse(new Uint8Array(), { status: 200 }, "").body).not.toThrow();
  });

  it("throws a SyntaxError for bytes that are not JSON, as Response.json does", async () => {
    const bad = new BufferedResponse(new TextEncoder().encode("{"), { status: 200 }, "");
    await expect(bad.json()).rejects.toThrow(SyntaxError);
  });
});
