// Waiters and batch over real HTTP: the fake Cloudpods of fault-server.ts, a real Keystone login and the
// default Node transport. Servers go init → running; a batch of stops with mixed results.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WaitFailedError, createCloudpods, type Cloudpods } from "../../src/index.js";
import { cloudpodsError, json, startFaultServer, type FaultServer, type Reply } from "./fault-server.js";

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

describe("batch against a fake Cloudpods", () => {
  it("stops ten servers four at a time, one failure among them", async () => {
    let inFlight = 0;
    let peak = 0;
    // Replies are held until four are waiting (or 300 ms pass, for the last short round), so the peak is
    // the client's limit however slow the machine is.
    let held: (() => void)[] = [];
    let timer: NodeJS.Timeout | undefined;
    const release = () => {
      clearTimeout(timer);
      const now = held;
      held = [];
      for (const send of now) send();
    };
    const slow =
      (reply: Reply): Reply =>
      (ctx) => {
        peak = Math.max(peak, ++inFlight);
        held.push(() => {
          inFlight--;
          reply(ctx);
        });
        clearTimeout(timer);
        if (held.length >= 4) release();
        else timer = setTimeout(release, 300);
      };
    const ids = Array.from({ length: 10 }, (_, i) => `s${i}`);
    s.script(
      Object.fromEntries(
        ids.map((id) => [
          `POST /servers/${id}/stop`,
          slow(
            id === "s5"
              ? cloudpodsError(400, "InvalidStatusError", "server is busy")
              : json(200, { server: { id } }),
          ),
        ]),
      ),
    );
    const { ok, failed } = await cp.batch(
      ids,
      (id) => cp.compute.POST("/servers/{id}/stop", { params: { path: { id } }, body: {} }),
      { concurrency: 4 },
    );
    console.log(`batch peak in flight: ${peak} (concurrency 4)`);
    expect(peak).toBe(4);
    expect(ok).toHaveLength(9);
    expect(failed.map((f) => f.item)).toEqual(["s5"]);
    expect(failed[0]!.error).toMatchObject({ status: 400, class: "InvalidStatusError", method: "" });
    expect(String((failed[0]!.error as Error).message)).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/servers\/s5\/stop failed: 400 InvalidStatusError: server is busy$/,
    );
  });
});
