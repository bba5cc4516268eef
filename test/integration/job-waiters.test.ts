// Waiters and batch over real HTTP: the fake Cloudpods of fault-server.ts, a real Keystone login and the
// default Node transport. Servers go init → running; a batch of stops with mixed results.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WaitFailedError, createCloudpods, type Cloudpods } from "../../src/index.js";
import { json, startFaultServer, type FaultServer } from "./fault-server.js";

let s: FaultServer;
let cp: Cloudpods;

beforeAll(async () => {
  s = await startFaultServer();
  cp = createCloudpods({ authUrl: s.authUrl, credentials: { username: "u", password: "pw-secret-1" } });
});
afterAll(async () => {
  await cp.close();
  await s.close();
});

const server = (status: string) => json(200, { server: { id: "s1", status } });

describe("waiters against a fake Cloudpods", () => {
  it("follows a server from init to running, one login for every poll", async () => {
    s.script({
      "GET /servers/s1": [server("init"), server("schedule"), server("start_deploy"), server("running")],
    });
    const states: (string | undefined)[] = [];
    const got = await cp.compute.waitFor(
      "/servers/{id}",
      { params: { path: { id: "s1" } } },
      {
        until: (x) => x.status === "running",
        intervalMs: 1,
        onProgress: (x) => states.push(x.status),
      },
    );
    expect(got.status).toBe("running");
    expect(states).toEqual(["init", "schedule", "start_deploy"]);
    expect(s.count("GET", "/servers/s1")).toBe(4);
    expect(s.count("POST", "/v3/auth/tokens")).toBe(1);
  });

  it("ends at sched_fail with WaitFailedError", async () => {
    s.script({ "GET /servers/s1": [server("schedule"), server("sched_fail")] });
    await expect(
      cp.compute.waitFor(
        "/servers/{id}",
        { params: { path: { id: "s1" } } },
        { until: () => false, intervalMs: 1 },
      ),
    ).rejects.toBeInstanceOf(WaitFailedError);
  });
});
