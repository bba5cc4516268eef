import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudpodsError, HttpError, TimeoutError } from "../../src/errors.js";
import { createTransport } from "../../src/transport.js";
import { createNodeTransport, type NodeTransport } from "../../src/transport-node.js";

// A throwaway self-signed certificate for 127.0.0.1 (EC P-256, valid until 2126), for the ca/insecure tests.
const CERT = `-----BEGIN CERTIFICATE-----
MIIBjzCCATagAwIBAgIUG7GhacPgD0EAxhHvCtpf1Gws/GYwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyMzA0NTE1NVoYDzIxMjYxMDMw
MDQ1MTU1WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT8mVdCj7Wuf3nhGziM2aUrxgaIRFodSFvGgUD7TCwbhaHNYUqexqhr
T28fwV6QONA0kpO33BQ9/oaTp9UYBO2Qo2QwYjAdBgNVHQ4EFgQUsx3jwwhNMdaw
9MTqW5U7e7YLt6gwHwYDVR0jBBgwFoAUsx3jwwhNMdaw9MTqW5U7e7YLt6gwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0cAMEQC
IB5hHGoa8wQVvWav4sds7vfdhShj6CBV4j5k0Z1yahLtAiAqtn3ET7JngmDyfYYd
HhpMqw28/fHrWQX+l09NEgU2Uw==
-----END CERTIFICATE-----
`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgNSbR/wy0JuP9PxYn
1Zo+udw/n8NZ/wsxpPvNy1UK8lGhRANCAAT8mVdCj7Wuf3nhGziM2aUrxgaIRFod
SFvGgUD7TCwbhaHNYUqexqhrT28fwV6QONA0kpO33BQ9/oaTp9UYBO2Q
-----END PRIVATE KEY-----
`;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** One 127.0.0.1 server per suite; each test installs its handler. Counts sockets to observe keep-alive. */
async function listen(make: (h: Handler) => Server) {
  let handler: Handler = (_q, s) => s.end();
  const state = {
    sockets: 0,
    requests: [] as { url: string; headers: IncomingMessage["headers"]; body: string }[],
  };
  const open = new Set<Socket>();
  const server = make((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      state.requests.push({ url: req.url ?? "", headers: req.headers, body });
      handler(req, res);
    });
  });
  server.on("connection", (s: Socket) => {
    state.sockets++;
    open.add(s);
    s.on("close", () => open.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    state,
    port,
    set: (h: Handler) => {
      handler = h;
      state.requests.length = 0;
    },
    close: () => {
      for (const s of open) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let srv: Awaited<ReturnType<typeof listen>>;
let node: NodeTransport;
let base: string;
beforeAll(async () => {
  srv = await listen((h) => createServer(h));
  base = `http://127.0.0.1:${srv.port}`;
  node = createNodeTransport({ timeoutMs: 2000 });
});
afterAll(async () => {
  await node.close();
  await srv.close();
});

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(cond()).toBe(true);
};

describe("node transport", () => {
  it("reuses keep-alive connections for sequential requests", async () => {
    srv.set((_q, s) => s.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
    const get = async (i: number) =>
      expect(await (await node(new Request(`${base}/x?i=${i}`))).json()).toEqual({ ok: true });
    // undici may open a second socket while the first is handed back a tick late; after that, none.
    await get(0);
    await get(1);
    const warm = srv.state.sockets;
    for (let i = 2; i < 10; i++) await get(i);
    expect(srv.state.sockets).toBe(warm);
    expect(srv.state.requests.map((r) => r.url)).toEqual([...Array(10).keys()].map((i) => `/x?i=${i}`));
  });

  it("passes method, headers, status and repeated response headers", async () => {
    srv.set((_q, s) => {
      s.setHeader("set-cookie", ["a=1", "b=2"]);
      s.writeHead(201, { "x-request-id": "r1" }).end("created");
    });
    const res = await node(
      new Request(`${base}/servers`, { method: "PUT", headers: { "x-auth-token": "tok" }, body: "{}" }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get("x-request-id")).toBe("r1");
    expect(res.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await res.text()).toBe("created");
    expect(srv.state.requests[0]).toMatchObject({
      url: "/servers",
      body: "{}",
      headers: { "x-auth-token": "tok" },
    });
  });

  it("streams a response body as it arrives", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    srv.set((_q, s) => {
      s.writeHead(200, { "content-type": "text/plain" }); // chunked: no content-length
      s.write("part1;");
      void released.then(() => s.end("part2"));
    });
    const res = await node(new Request(`${base}/stream`));
    const reader = res.body!.getReader();
    const first = await reader.read(); // arrives while the server still holds part2
    expect(new TextDecoder().decode(first.value)).toBe("part1;");
    release();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read())
      rest += new TextDecoder().decode(r.value);
    expect(rest).toBe("part2");
  });

  it("streams a request body of known length, and buffers one of unknown length (no chunked login)", async () => {
    srv.set((_q, s) => s.end("ok"));
    const send = createTransport({ fetch: node });
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode("hello "));
          c.enqueue(new TextEncoder().encode("world"));
          c.close();
        },
      });
    const init = { method: "POST", duplex: "half" } as RequestInit;
    await send(new Request(`${base}/a`, { ...init, body: stream(), headers: { "content-length": "11" } }));
    await send(new Request(`${base}/b`, { ...init, body: stream() }));
    const [a, b] = srv.state.requests;
    expect(a).toMatchObject({ body: "hello world", headers: { "content-length": "11" } });
    expect(b).toMatchObject({ body: "hello world", headers: { "content-length": "11" } });
    expect(b!.headers["transfer-encoding"]).toBeUndefined();
  });

  it("answers HEAD and 204 with a null body", async () => {
    srv.set((q, s) => s.writeHead(q.method === "HEAD" ? 200 : 204, { "content-length": "0" }).end());
    expect((await node(new Request(`${base}/h`, { method: "HEAD" }))).body).toBeNull();
    expect((await node(new Request(`${base}/d`, { method: "DELETE" }))).status).toBe(204);
  });

  it("types a connection reset in the middle of a body", async () => {
    for (const length of [undefined, "100"]) {
      srv.set((_q, s) => {
        s.writeHead(200, length ? { "content-length": length } : {});
        s.write("partial");
        setTimeout(() => s.socket?.destroy(), 20);
      });
      const err = await node(new Request(`${base}/reset`))
        .then((r) => r.text())
        .catch((e: unknown) => e);
      expect(CloudpodsError.isInstance(err) && err.code).toBe("ConnectionError");
      expect((err as Error).cause).toBeDefined();
    }
  });

  it("types a refused connection", async () => {
    const closed = await listen((h) => createServer(h));
    await closed.close();
    const err = await node(new Request(`http://127.0.0.1:${closed.port}/`)).catch((e: unknown) => e);
    expect(CloudpodsError.isInstance(err) && err.code).toBe("ConnectionError");
    expect((err as Error).message).toContain("ECONNREFUSED");
  });

  it("times out a server that stalls before or during the body", async () => {
    srv.set(() => {}); // never answers
    const stalled = await node(new Request(`${base}/stall`), { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(stalled).toBeInstanceOf(TimeoutError);
    srv.set((_q, s) => {
      s.writeHead(200, { "content-length": "10" });
      s.write("12345"); // and never the rest
    });
    // a short body of known length is read before the Response is returned, so either step may fail
    const partial = await node(new Request(`${base}/stall-body`), { timeoutMs: 100 })
      .then((r) => r.text())
      .catch((e: unknown) => e);
    expect(partial).toBeInstanceOf(TimeoutError);
    srv.set((_q, s) => {
      s.writeHead(200); // chunked, streamed
      s.write("12345");
    });
    const streamed = await node(new Request(`${base}/stall-stream`), { timeoutMs: 100 });
    expect(await streamed.text().catch((e: unknown) => e)).toBeInstanceOf(TimeoutError);
  });

  it("bounds the whole exchange, not only each gap: a body that trickles in still times out", async () => {
    let timer: ReturnType<typeof setInterval> | undefined;
    srv.set((_q, s) => {
      s.writeHead(200); // chunked: one byte every 20 ms, far below the per-gap timeout, for ~4 s
      let n = 0;
      timer = setInterval(() => (++n > 200 ? (clearInterval(timer), s.end()) : s.write("x")), 20);
      s.on("close", () => clearInterval(timer));
    });
    const res = await node(new Request(`${base}/trickle`), { timeoutMs: 300 });
    const err = await res.text().catch((e: unknown) => e);
    clearInterval(timer);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toMatch(/timed out after 300 ms/);
  });

  it("rejects with the caller's abort reason", async () => {
    srv.set(() => {});
    const ctrl = new AbortController();
    const p = node(new Request(`${base}/abort`, { signal: ctrl.signal }));
    await until(() => srv.state.requests.length === 1);
    ctrl.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
  });

  it("never follows a redirect (through createTransport: HttpError with the Location)", async () => {
    srv.set((q, s) =>
      q.url === "/moved" ? s.writeHead(302, { location: "/target" }).end() : s.end("target"),
    );
    const err = await createTransport({ fetch: node })(
      new Request(`${base}/moved`, { headers: { "x-auth-token": "t" } }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).location).toBe("/target");
    expect(srv.state.requests.map((r) => r.url)).toEqual(["/moved"]);
  });
});

describe("node transport TLS", () => {
  let tls: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    tls = await listen((h) => createTlsServer({ cert: CERT, key: KEY }, h));
    tls.set((_q, s) => s.end("secure"));
  });
  afterAll(() => tls.close());

  it("verifies certificates by default, trusts a given CA, and skips checks with insecure (warning once)", async () => {
    const url = `https://127.0.0.1:${tls.port}/`;
    const strict = createNodeTransport();
    const err = await strict(new Request(url)).catch((e: unknown) => e);
    expect(CloudpodsError.isInstance(err) && err.code).toBe("ConnectionError");
    const withCa = createNodeTransport({ ca: CERT });
    expect(await (await withCa(new Request(url))).text()).toBe("secure");

    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    const insecure = createNodeTransport({ insecure: true, warn });
    const again = createNodeTransport({ insecure: true, warn });
    expect(await (await insecure(new Request(url))).text()).toBe("secure");
    expect(await (await again(new Request(url))).text()).toBe("secure");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("TLS certificate verification is disabled");
    await Promise.all([strict, withCa, insecure, again].map((t) => t.close()));
  });
});
