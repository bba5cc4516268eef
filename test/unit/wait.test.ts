import { describe, expect, expectTypeOf, it } from "vitest";
import type { ServerDetails } from "../../generated/compute.js";
import type { AccessInfo, AuthPlugin, ServiceCatalog } from "../../src/auth/types.js";
import { createCloudpods } from "../../src/client.js";
import { CloudpodsError, HttpError } from "../../src/errors.js";
import { WaitFailedError, WaitTimeoutError } from "../../src/wait-errors.js";
import { failReason, unwrap } from "../../src/wait.js";
import { service } from "../fixtures/token.js";

const CATALOG: ServiceCatalog = [service("compute_v2", { public: "https://region.test:30888" })];
const auth: AuthPlugin = {
  getAccess: async () =>
    ({ token: "tok-secret-1", expiresAt: new Date(Date.UTC(2030, 0, 1)), catalog: CATALOG }) as AccessInfo,
  authorize: (req, { access }) => req.headers.set("X-Auth-Token", access.token),
  invalidate: () => {},
  secrets: () => ["tok-secret-1"],
};

type Answer = (call: number, req: Request) => Response | Promise<Response>;

/** A compute service whose GET /servers/s1 answers `answers[call]` (the last one repeats). */
function fake(answers: Answer[]) {
  const calls: string[] = [];
  const cp = createCloudpods({
    authUrl: "https://ks.test/v3",
    auth,
    retry: false,
    fetch: async (req) => {
      calls.push(`${req.method} ${new URL(req.url).pathname}`);
      return answers[Math.min(calls.length - 1, answers.length - 1)]!(calls.length - 1, req);
    },
  });
  return { cp, calls };
}

const server =
  (status: string, extra: Record<string, unknown> = {}): Answer =>
  () =>
    Response.json({ server: { id: "s1", name: "vm1", status, ...extra } });
const error =
  (status: number, cls: string): Answer =>
  () =>
    Response.json({ code: status, class: cls, details: `${cls} here` }, { status });

/** A clock that only moves when the waiter sleeps; records every delay. */
function clock() {
  let t = 1_000_000;
  const delays: number[] = [];
  return {
    delays,
    now: () => t,
    sleep: async (ms: number, signal: AbortSignal) => {
      if (signal.aborted) throw signal.reason;
      delays.push(ms);
      t += ms;
    },
  };
}

const ID = { params: { path: { id: "s1" } } };

describe("waitFor", () => {
  it("polls init → running and resolves with the unwrapped, typed server", async () => {
    const { cp, calls } = fake([server("init"), server("schedule"), server("deploying"), server("running")]);
    const c = clock();
    const seen: [string | undefined, number][] = [];
    const s = await cp.compute.waitFor("/servers/{id}", ID, {
      until: (x) => x.status === "running",
      onProgress: (x, ms) => seen.push([x.status, ms]),
      ...c,
      random: () => 0.5,
    });
    expectTypeOf(s).toEqualTypeOf<ServerDetails>();
    expect(s).toMatchObject({ id: "s1", status: "running" });
    expect(calls).toEqual(Array(4).fill("GET /servers/s1"));
    expect(seen.map(([st]) => st)).toEqual(["init", "schedule", "deploying"]);
    expect(seen.map(([, ms]) => ms)).toEqual([0, c.delays[0], c.delays[0]! + c.delays[1]!]);
    // 2 000 × 1.5^n with equal jitter at random 0.5 → three quarters of each.
    expect(c.delays).toEqual([1500, 2250, 3375]);
  });

  it("caps the growing delay at maxIntervalMs and keeps jitter within [half, all] of it", async () => {
    const { cp } = fake([
      server("init"),
      server("init"),
      server("init"),
      server("init"),
      server("init"),
      server("running"),
    ]);
    const lo = clock();
    await cp.compute.waitFor("/servers/{id}", ID, {
      until: (x) => x.status === "running",
      intervalMs: 1000,
      maxIntervalMs: 2000,
      ...lo,
      random: () => 0,
    });
    expect(lo.delays).toEqual([500, 750, 1000, 1000, 1000]);
    const { cp: cp2 } = fake([server("init"), server("init"), server("init"), server("running")]);
    const hi = clock();
    await cp2.compute.waitFor("/servers/{id}", ID, {
      until: (x) => x.status === "running",
      intervalMs: 1000,
      maxIntervalMs: 2000,
      ...hi,
      random: () => 0.999999,
    });
    expect(hi.delays).toEqual([999, 1499, 1999]);
  });

  it("ends a *_fail status with WaitFailedError carrying the last state and the reason", async () => {
    const { cp } = fake([
      server("schedule"),
      server("sched_fail", { fail_reason: "no hypervisor host; token tok-secret-1" }),
    ]);
    const e = await cp.compute
      .waitFor("/servers/{id}", ID, { until: (x) => x.status === "running", ...clock() })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WaitFailedError);
    const f = e as WaitFailedError;
    expect(f.code).toBe("WaitFailed");
    expect(f.resourceStatus).toBe("sched_fail");
    expect(f.lastState).toMatchObject({ id: "s1", status: "sched_fail" });
    expect(f.reason).toBe("no hypervisor host; token ***");
    expect(f.message).toBe('/servers/s1: status "sched_fail": no hypervisor host; token ***');
    expect(f.elapsedMs).toBeGreaterThan(0);
  });

  it("reads delete_fail_reason objects as reasons, and takes a custom failWhen/failReason", async () => {
    expect(
      failReason({ delete_fail_reason: { code: 403, class: "ForbiddenError", details: "disable_delete" } }),
    ).toBe("ForbiddenError: disable_delete");
    expect(failReason({ status: "sched_fail" })).toBeUndefined();
    const { cp } = fake([server("init"), server("odd")]);
    const e = await cp.compute
      .waitFor("/servers/{id}", ID, {
        until: (x) => x.status === "running",
        failWhen: (x) => x.status === "odd",
        failReason: (x) => `custom ${x.name}`,
        ...clock(),
      })
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ name: "WaitFailedError", resourceStatus: "odd", reason: "custom vm1" });
  });

  it("asks once with show_fail_reason=true when the failed resource gives no reason itself", async () => {
    const urls: string[] = [];
    const { cp } = fake([
      (_, req) => {
        urls.push(req.url);
        return new URL(req.url).searchParams.get("show_fail_reason") === "true"
          ? Response.json({
              server: {
                id: "s1",
                status: "sched_fail",
                delete_fail_reason: { code: 400, class: "InvalidStatusError", details: "no host" },
              },
            })
          : Response.json({ server: { id: "s1", status: "sched_fail" } });
      },
    ]);
    const e = await cp.compute
      .waitFor("/servers/{id}", ID, { until: () => false, ...clock() })
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ name: "WaitFailedError", reason: "InvalidStatusError: no host" });
    expect(urls).toEqual([
      "https://region.test:30888/servers/s1",
      "https://region.test:30888/servers/s1?show_fail_reason=true",
    ]);
    // A server refusing the parameter only costs the reason.
    const { cp: cp2 } = fake([server("create_fail"), error(400, "InputParameterError")]);
    const e2 = await cp2.compute
      .waitFor("/servers/{id}", ID, { until: () => false, ...clock() })
      .catch((x: unknown) => x);
    expect(e2).toMatchObject({ name: "WaitFailedError", resourceStatus: "create_fail", reason: undefined });
    expect((e2 as Error).message).toBe('/servers/s1: status "create_fail"');
  });

  it("gives up at the deadline with WaitTimeoutError and the last state seen", async () => {
    const { cp, calls } = fake([server("init"), server("deploying")]);
    const c = clock();
    const e = await cp.compute
      .waitFor("/servers/{id}", ID, { until: (x) => x.status === "running", timeoutMs: 10_000, ...c })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WaitTimeoutError);
    expect((e as WaitTimeoutError).lastState).toMatchObject({ status: "deploying" });
    expect((e as WaitTimeoutError).message).toBe('/servers/s1: still "deploying" after 10000 ms');
    // The last sleep is cut to the time left: the waiter never sleeps past its deadline.
    expect(c.delays.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(calls.length).toBe(c.delays.length + 1);
  });

  it("rejects with the caller's reason when aborted during a poll, and releases the poll", async () => {
    const ctrl = new AbortController();
    let pollSignal: AbortSignal | undefined;
    const { cp } = fake([
      server("init"),
      (_, req) =>
        new Promise<Response>((_r, reject) => {
          pollSignal = req.signal;
          req.signal.addEventListener("abort", () => reject(req.signal.reason as Error));
          queueMicrotask(() => ctrl.abort(new Error("user stop")));
        }),
    ]);
    const e = await cp.compute
      .waitFor("/servers/{id}", ID, { until: () => false, signal: ctrl.signal, ...clock() })
      .catch((x: unknown) => x);
    expect((e as Error).message).toBe("user stop");
    expect(pollSignal?.aborted).toBe(true);
  });

  it("stops at once for a signal already aborted, and during a real sleep", async () => {
    const { cp, calls } = fake([server("init")]);
    const ctrl = new AbortController();
    ctrl.abort(new Error("early"));
    await expect(
      cp.compute.waitFor("/servers/{id}", ID, { until: () => false, signal: ctrl.signal }),
    ).rejects.toThrow("early");
    expect(calls).toHaveLength(0);
    const late = new AbortController();
    const p = cp.compute.waitFor("/servers/{id}", ID, {
      until: () => false,
      intervalMs: 60_000,
      signal: late.signal,
      onProgress: () => setTimeout(() => late.abort(new Error("late")), 1),
    });
    await expect(p).rejects.toThrow("late");
  });

  it("treats a 404 as an error, not a reason to poll forever", async () => {
    const { cp, calls } = fake([error(404, "ResourceNotFoundError")]);
    const e = await cp.compute
      .waitFor("/servers/{id}", ID, { until: () => true, ...clock() })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HttpError);
    expect(e).toMatchObject({ status: 404, class: "ResourceNotFoundError" });
    expect(calls).toHaveLength(1);
  });

  it("retries transient answers and network failures within the deadline; other errors end the wait", async () => {
    const { cp, calls } = fake([
      error(503, "ServiceUnavailable"),
      () => Promise.reject(new TypeError("fetch failed")),
      error(502, "BadGateway"),
      server("running"),
    ]);
    await expect(
      cp.compute.waitFor("/servers/{id}", ID, { until: (x) => x.status === "running", ...clock() }),
    ).resolves.toMatchObject({ status: "running" });
    expect(calls).toHaveLength(4);
    const { cp: cp2 } = fake([error(400, "InputParameterError")]);
    await expect(
      cp2.compute.waitFor("/servers/{id}", ID, { until: () => true, ...clock() }),
    ).rejects.toMatchObject({
      status: 400,
    });
  });

  it("refuses bad options with InvalidConfig before any request", async () => {
    const { cp, calls } = fake([server("running")]);
    for (const bad of [{ timeoutMs: -1 }, { intervalMs: Number.NaN }, { maxIntervalMs: 0 }]) {
      const e = await cp.compute
        .waitFor("/servers/{id}", ID, { until: () => true, ...bad })
        .catch((x: unknown) => x);
      expect(CloudpodsError.isInstance(e) && e.code).toBe("InvalidConfig");
    }
    const e = await cp.compute
      .waitFor("/servers/{id}", ID, undefined as unknown as { until: () => boolean })
      .catch((x: unknown) => x);
    expect((e as CloudpodsError).code).toBe("InvalidConfig");
    expect(calls).toHaveLength(0);
  });

  it("unwraps only single-key envelopes", () => {
    expect(unwrap({ server: { id: 1 } })).toEqual({ id: 1 });
    expect(unwrap({ id: 1, status: "x" })).toEqual({ id: 1, status: "x" });
    expect(unwrap(null)).toBeNull();
  });
});

describe("waitForDelete", () => {
  it("is done at the 404", async () => {
    const { cp, calls } = fake([server("deleting"), server("deleting"), error(404, "ResourceNotFoundError")]);
    await expect(cp.compute.waitForDelete("/servers/{id}", ID, clock())).resolves.toBeUndefined();
    expect(calls).toHaveLength(3);
  });

  it("is done at pending_deleted only when asked", async () => {
    const answers = [server("deleting", { pending_deleted: true }), error(404, "ResourceNotFoundError")];
    const a = fake(answers);
    await a.cp.compute.waitForDelete("/servers/{id}", ID, { pendingDeleted: true, ...clock() });
    expect(a.calls).toHaveLength(1);
    const b = fake(answers);
    await b.cp.compute.waitForDelete("/servers/{id}", ID, clock());
    expect(b.calls).toHaveLength(2);
  });

  it("fails on delete_fail, not on an earlier *_fail status", async () => {
    const { cp } = fake([server("sched_fail"), server("delete_fail")]);
    await expect(cp.compute.waitForDelete("/servers/{id}", ID, clock())).rejects.toMatchObject({
      name: "WaitFailedError",
      resourceStatus: "delete_fail",
    });
  });
});
