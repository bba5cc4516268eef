import { describe, expect, it } from "vitest";
import { createTransport } from "../../src/transport.js";

const bytes = () =>
  new Response(new Uint8Array([1, 2, 3]), {
    status: 200,
    headers: { "content-type": "application/octet-stream", "content-length": "3" },
  });

describe("transport: byte answers", () => {
  it("refuses a non-JSON 2xx unless the request asked for bytes", async () => {
    const send = createTransport({ fetch: async () => bytes() });
    await expect(send(new Request("http://127.0.0.1:9/images/x"))).rejects.toMatchObject({
      class: "InvalidResponse",
    });
    const asked = new Request("http://127.0.0.1:9/images/x", {
      headers: { Accept: "application/octet-stream" },
    });
    const res = await send(asked);
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([1, 2, 3]);
  });
});
