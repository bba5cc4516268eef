// The web-standard transport over a plain fetch: what it cleans up after each exchange, how it types a 2xx
// body that is not JSON, and how it turns every failed answer into the flat Cloudpods error body.
import { getEventListeners } from "node:events";
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { HttpError, TimeoutError } from "../../src/errors.js";
import { createTransport, type Transport } from "../../src/transport.js";

const json = (body: string, status = 200) =>
  new Response(body, { status, headers: { "content-type": "application/json", "x-request-id": "r1" } });

describe("createTransport over a plain fetch", () => {
  it("removes its abort listener from the request's signal once the exchange is over", async () => {
    const send = createTransport({ fetch: async () => json('{"servers":[]}'), timeoutMs: 5_000 });
    const req = new Request("http://h.invalid/servers");
    const before = getEventListeners(req.signal, "abort").length;
    const res = await send(req);
    expect(getEventListeners(req.signal, "abort")).toHaveLength(before + 1); // armed while the body is unread
    expect(await res.json()).toEqual({ servers: [] });
    expect(getEventListeners(req.signal, "abort")).toHaveLength(before);
    // Body-less answers too.
    const empty = createTransport({ fetch: async () => new Response(null, { status: 204 }) });
    const del = new Request("http://h.invalid/x", { method: "DELETE" });
    await empty(del);
    expect(getEventListeners(del.signal, "abort")).toHaveLength(0);
  });

  it("still aborts on the caller's signal while waiting for headers", async () => {
    const caller = new AbortController();
    const send = createTransport({
      fetch: (req: Request) =>
        new Promise<Response>((_resolve, reject) =>
          req.signal.addEventListener("abort", () => reject(req.signal.reason)),
        ),
    });
    const pending = send(new Request("http://h.invalid/servers", { signal: caller.signal }));
    caller.abort(new Error("caller gave up"));
    await expect(pending).rejects.toThrow("caller gave up");
  });

  it("times out while the body is still being read", async () => {
    const stalled = (req: Request) =>
      Promise.resolve(
        new Response(
          new ReadableStream({
            start(c) {
              c.enqueue(new TextEncoder().encode('{"servers":['));
              req.signal.addEventListener("abort", () => c.error(req.signal.reason));
            },
          }),
          { headers: { "content-type": "application/json" } },
        ),
      );
    const send = createTransport({ fetch: stalled, timeoutMs: 50 });
    const res = await send(new Request("http://h.invalid/servers"));
    await expect(res.text()).rejects.toBeInstanceOf(TimeoutError);
  });

  it("turns a 2xx body that is not JSON into an HttpError with status and request id", async () => {
    const send = createTransport({ fetch: async () => json("<html>proxy says hi</html>") });
    const res = await send(new Request("http://h.invalid/servers?limit=1"));
    const err = await res.json().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({
      status: 200,
      requestId: "r1",
      class: "InvalidResponse",
      url: "http://h.invalid/servers",
    });
    expect((err as Error).message).not.toContain("html");
  });
});

/** A body sent in chunks without Content-Length, as a proxy streams a page; records a cancel. */
function chunked(text: string, init: ResponseInit) {
  const state = { cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode(text.slice(0, 10)));
      c.enqueue(new TextEncoder().encode(text.slice(10)));
      c.close();
    },
    cancel: () => void (state.cancelled = true),
  });
  return { res: new Response(body, init), state };
}

const PORTAL = "<!DOCTYPE html><html><title>Log in</title><body>user=alice pw-secret-9</body></html>";

describe("createTransport: 2xx bodies that are not JSON", () => {
  it("refuses a chunked text/html 200 (openapi-fetch would JSON.parse its text) without quoting it", async () => {
    const page = () =>
      chunked(PORTAL, { headers: { "content-type": "text/html; charset=utf-8", "x-request-id": "r2" } });
    const client = createClient<Record<string, never>>({
      fetch: createTransport({ fetch: async () => page().res }),
    });
    const get = (client as unknown as { GET: (p: string, i: object) => Promise<unknown> }).GET;
    const err = await get("http://h.invalid/servers?name=alice", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({
      status: 200,
      requestId: "r2",
      class: "InvalidResponse",
      code: "InvalidResponse",
    });
    for (const text of [(err as Error).message, JSON.stringify(err)]) {
      expect(text).not.toMatch(/html|alice|pw-secret|</i);
    }
    // The page is cancelled, not read, and nothing is left armed on the caller's signal.
    const { res, state } = page();
    const req = new Request("http://h.invalid/servers");
    await expect(createTransport({ fetch: async () => res, timeoutMs: 5_000 })(req)).rejects.toThrow(
      HttpError,
    );
    expect(state.cancelled).toBe(true);
    expect(getEventListeners(req.signal, "abort")).toHaveLength(0);
  });

  it("passes JSON types, a missing type and empty bodies through to openapi-fetch", async () => {
    for (const headers of [
      { "content-type": "application/json; charset=utf-8" },
      { "content-type": "application/problem+json" },
      {}, // a byte body gets no default content type
    ]) {
      const bytes = new TextEncoder().encode('{"ok":1}');
      const send = createTransport({ fetch: async () => new Response(bytes, { headers }) });
      expect(await (await send(new Request("http://h.invalid/x"))).json()).toEqual({ ok: 1 });
    }
    const empty = createTransport({
      fetch: async () =>
        new Response("", { headers: { "content-type": "text/html", "content-length": "0" } }),
    });
    expect((await empty(new Request("http://h.invalid/x"))).status).toBe(200);
  });
});

describe("createTransport: failed answers become the flat Cloudpods error", () => {
  const SECRET = "pw-secret-9";
  const via = (answer: () => Response): Transport =>
    createTransport({ fetch: async () => answer(), secrets: () => [SECRET] });
  /** What openapi-fetch hands the caller as `error`, and the response. */
  async function outcome(answer: () => Response) {
    const client = createClient<Record<string, never>>({ fetch: via(answer) });
    const get = (client as unknown as { GET: (p: string, i: object) => Promise<Record<string, unknown>> })
      .GET;
    return (await get("http://h.invalid/servers", {})) as { error: unknown; response: Response };
  }

  it("maps an HTML error page to {code, class, details} with the status, headers and status text kept", async () => {
    const { error, response } = await outcome(
      () =>
        new Response(`<html><head><title>502 Bad Gateway</title></head><body>${SECRET}</body></html>`, {
          status: 502,
          statusText: "Bad Gateway",
          headers: { "content-type": "text/html", "x-request-id": "r3", "content-length": "90" },
        }),
    );
    expect(error).toEqual({ code: 502, class: "Http502", details: "HTML page: 502 Bad Gateway" });
    expect([response.status, response.statusText, response.url]).toEqual([502, "Bad Gateway", ""]);
    expect(response.headers.get("x-request-id")).toBe("r3");
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.has("content-length")).toBe(false);
  });

  it("flattens an OpenStack {error: {...}} body and scrubs secrets from what it rebuilds", async () => {
    const body = { error: { code: 401, title: "Unauthorized", message: `bad password ${SECRET}` } };
    const { error } = await outcome(() => Response.json(body, { status: 401 }));
    expect(error).toEqual({ code: 401, class: "Unauthorized", details: "bad password ***" });
  });

  it("gives an empty body (no content-length, or 0) an error named by the status", async () => {
    for (const headers of [{}, { "content-length": "0" }]) {
      const { error } = await outcome(() => new Response(null, { status: 404, headers }));
      expect(error).toEqual({ code: 404, class: "Http404", details: "Not Found" });
    }
    const custom = await outcome(() => new Response("", { status: 503, statusText: "Busy" }));
    expect(custom.error).toEqual({ code: 503, class: "Http503", details: "Busy" });
    const text = await outcome(() => new Response("upstream timed out", { status: 504 }));
    expect(text.error).toEqual({ code: 504, class: "Http504", details: "upstream timed out" });
  });

  it("leaves a flat Cloudpods body byte for byte, and keeps the request URL", async () => {
    const flat = `{"class":"NotFoundError","code":404,"details":"server vm1 \u00e9 not found","time":"t"}`;
    const send = via(
      () =>
        Object.defineProperty(
          new Response(flat, { status: 404, headers: { "content-type": "application/json" } }),
          "url",
          { value: "http://h.invalid/servers/x" },
        ) as Response,
    );
    const res = await send(new Request("http://h.invalid/servers/x"));
    expect(await res.text()).toBe(flat);
    expect(res.url).toBe("http://h.invalid/servers/x");
  });

  it("scrubs a flat body that echoes a secret in any encoding, keeping it valid JSON", async () => {
    const odd = 'p"w\\q\u0001é-tok';
    const forms = [odd, JSON.stringify(odd).slice(1, -1), encodeURIComponent(odd)];
    for (const form of forms) {
      const body = JSON.stringify({ class: "ForbiddenError", code: 403, details: `token ${form} denied` });
      const send = createTransport({
        fetch: async () =>
          new Response(body, { status: 403, headers: { "content-type": "application/json" } }),
        secrets: () => [odd],
      });
      const text = await (await send(new Request("http://h.invalid/servers"))).text();
      expect(JSON.parse(text)).toMatchObject({ class: "ForbiddenError", code: 403 });
      for (const f of forms) expect(text).not.toContain(f);
      expect(text).toContain("***");
    }
  });
});
