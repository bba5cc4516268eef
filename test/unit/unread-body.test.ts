// A body the SDK or the caller never reads must not act later: no uncaught 'error' event once its timer
// fires (issue 7 §1: the process died timeoutMs after the caller had caught its HttpError), no timer that
// holds the process open, and close() never waits for it. Through the public client, on both transports.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpError, createCloudpods, type CloudpodsOptions } from "../../src/index.js";
import { startFaultServer, type FaultServer, type Reply } from "../integration/fault-server.js";
import { pastTimers, watchProcessEvents, type ProcessEvents } from "../integration/process-events.js";

const SHORT_MS = 150;
let events: ProcessEvents;
let server: FaultServer;

beforeAll(async () => {
  events = watchProcessEvents();
  server = await startFaultServer();
});
// Each test waits past its own timers, so what fires belongs to it.
beforeEach(() => void (events.fired.length = 0));
afterAll(async () => {
  events?.stop();
  await server?.close();
});

const client = (o: Partial<CloudpodsOptions> = {}) =>
  createCloudpods({
    authUrl: server.authUrl,
    credentials: { username: "sysadmin", password: "unread-body-password", domain: "Default" },
    project: { name: "system", domain: "Default" },
    region: "region0",
    timeoutMs: SHORT_MS,
    retry: false,
    ...o,
  });

/** Chunked (no Content-Length) and never finished: only a timer or a destroy can end it. */
const endless =
  (status: number, type: string, extra: Record<string, string> = {}): Reply =>
  ({ res }) => {
    res.writeHead(status, { "content-type": type, ...extra });
    res.write(type.includes("json") ? '{"servers": [' : "<!DOCTYPE html><html><body>Welcome");
  };

/** Past the timer of every body of this test. */
const pastTimeout = () => pastTimers(SHORT_MS + 100);

const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

describe("an unread body (Node transport)", () => {
  // Not for the plain-fetch tests: the global fetch's pool would reuse a dropped socket for the login.
  afterEach(() => server.dropConnections());

  it("a discarded 2xx page raises nothing once its timeout passes", async () => {
    server.script({ "GET /servers": endless(200, "text/html") });
    const cp = client();
    const err = await cp.compute.GET("/servers").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).class).toBe("InvalidResponse");
    await pastTimeout();
    expect(events.fired).toEqual([]);
    await cp.close();
  });

  it("a discarded finished chunked page raises nothing once its timeout passes", async () => {
    server.script({
      "GET /servers": ({ res }) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.write("<!DOCTYPE html><html><head><title>Sign in</title></head>");
        res.end("<body>Welcome</body></html>");
      },
    });
    const cp = client();
    const err = await cp.compute.GET("/servers").catch((e: unknown) => e);
    expect((err as HttpError).class).toBe("InvalidResponse");
    await pastTimeout();
    expect(events.fired).toEqual([]);
    await cp.close();
  });

  it("a discarded redirect with a streamed body raises nothing later", async () => {
    server.script({ "GET /servers": endless(302, "text/html", { location: "http://elsewhere.invalid/" }) });
    const cp = client();
    const err = await cp.compute.GET("/servers").catch((e: unknown) => e);
    expect((err as HttpError).class).toBe("redirect");
    await pastTimeout();
    expect(events.fired).toEqual([]);
    await cp.close();
  });

  it("a stream the caller never reads raises nothing after its timeout", async () => {
    server.script({ "GET /servers": endless(200, "application/json") });
    const cp = client();
    const { response } = await cp.compute.GET("/servers", { parseAs: "stream" });
    expect(response.status).toBe(200);
    await pastTimeout();
    expect(events.fired).toEqual([]);
    // The timer ended the exchange: reading now fails with the typed timeout, it does not hang.
    const read = await response.text().catch((e: unknown) => e);
    expect((read as Error).name).toBe("TimeoutError");
    await cp.close();
  });

  it("close() releases an unread stream at once, even with no timeout", async () => {
    server.script({ "GET /servers": endless(200, "application/json") });
    const cp = client({ timeoutMs: 0 });
    const { response } = await cp.compute.GET("/servers", { parseAs: "stream" });
    // Before the fix close() waited for this body, which never ends: the test would time out.
    await cp.close();
    expect(await response.text().catch((e: unknown) => e)).toBeDefined();
    await pastTimeout();
    expect(events.fired).toEqual([]);
  });
});

describe("an unread body (plain fetch)", () => {
  const plain = { fetch: (r: Request) => fetch(r), timeoutMs: 60_000 };

  it("a 200 with Content-Length: 0 leaves no timer holding the process", async () => {
    server.script({
      "GET /servers": ({ res }) => void res.writeHead(200, { "content-length": "0" }).end(),
    });
    const cp = client(plain);
    await cp.compute.GET("/servers"); // logs in first: its timers are settled by now
    const before = refTimers();
    const { response } = await cp.compute.GET("/servers");
    expect(response.status).toBe(200);
    expect(refTimers()).toBeLessThanOrEqual(before);
  });

  it("an unread stream leaves no timer holding the process", async () => {
    server.script({ "GET /servers": endless(200, "application/json") });
    const cp = client(plain);
    await cp.compute.GET("/servers", { parseAs: "stream" }).then((r) => r.response.body?.cancel());
    const before = refTimers();
    const { response } = await cp.compute.GET("/servers", { parseAs: "stream" });
    expect(response.status).toBe(200);
    expect(refTimers()).toBeLessThanOrEqual(before);
    await response.body?.cancel();
    await pastTimeout();
    expect(events.fired).toEqual([]);
  });
});
