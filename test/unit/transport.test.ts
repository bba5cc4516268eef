// The web-standard transport over a plain fetch: what it cleans up after each exchange, and how it types a
// 2xx body that is not JSON.
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { HttpError, TimeoutError } from "../../src/errors.js";
import { createTransport } from "../../src/transport.js";

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
