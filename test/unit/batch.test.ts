import { describe, expect, it } from "vitest";
import type { AccessInfo, AuthPlugin, ServiceCatalog } from "../../src/auth/types.js";
import { batch } from "../../src/batch.js";
import { createCloudpods } from "../../src/client.js";
import type { CloudpodsError } from "../../src/errors.js";
import { HttpError } from "../../src/errors.js";
import { service } from "../fixtures/token.js";

const CATALOG: ServiceCatalog = [service("compute_v2", { public: "https://region.test:30888" })];
const auth: AuthPlugin = {
  getAccess: async () =>
    ({ token: "tok-secret-2", expiresAt: new Date(Date.UTC(2030, 0, 1)), catalog: CATALOG }) as AccessInfo,
  authorize: (req, { access }) => req.headers.set("X-Auth-Token", access.token),
  invalidate: () => {},
  secrets: () => ["tok-secret-2"],
};

/** Stops answer after a short real delay; ids ending in 3 get a 400, ids ending in 7 a network failure. */
function fake() {
  let inFlight = 0;
  let peak = 0;
  const started: string[] = [];
  const cp = createCloudpods({
    authUrl: "https://ks.test/v3",
    auth,
    fetch: async (req) => {
      const id = new URL(req.url).pathname.split("/")[2]!;
      started.push(id);
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      if (id.endsWith("7")) throw new TypeError("fetch failed");
      if (id.endsWith("3")) {
        return Response.json(
          { code: 400, class: "InvalidStatusError", details: `cannot stop ${id} (tok-secret-2)` },
          { status: 400 },
        );
      }
      return Response.json({ server: { id, status: "stopping" } });
    },
  });
  return { cp, started, peak: () => peak };
}

const ids = Array.from({ length: 20 }, (_, i) => `s${i}`);

describe("cp.batch", () => {
  it("keeps at most `concurrency` in flight and returns one result per item in input order", async () => {
    const { cp, peak } = fake();
    const progress: number[] = [];
    const { ok, failed, results } = await cp.batch(
      ids,
      (id) => cp.compute.POST("/servers/{id}/stop", { params: { path: { id } }, body: {} }),
      { concurrency: 4, onProgress: (done, total) => progress.push(done * 100 + total) },
    );
    expect(peak()).toBe(4);
    expect(results.map((r) => r.item)).toEqual(ids);
    expect(failed.map((f) => f.item)).toEqual(["s3", "s7", "s13", "s17"]);
    expect(ok.map((o) => o.item)).toEqual(ids.filter((id) => !/[37]$/.test(id)));
    expect(ok[0]!.value.data).toMatchObject({ server: { id: "s0" } });
    // An API error result is a failure with a typed, scrubbed HttpError.
    const e = failed[0]!.error as HttpError;
    expect(e).toBeInstanceOf(HttpError);
    expect(e).toMatchObject({ status: 400, class: "InvalidStatusError" });
    expect(e.details).toBe("cannot stop s3 (***)");
    // A fake fetch's Response has no url: the item's index names it (a real one shows the URL).
    expect(e.message).toBe("item 3 failed: 400 InvalidStatusError: cannot stop s3 (***)");
    expect((failed[1]!.error as CloudpodsError).code).toBe("ConnectionError");
    expect(progress).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 100 + 20));
  });

  it("defaults to 8 in flight", async () => {
    const { cp, peak } = fake();
    await cp.batch(ids, (id) =>
      cp.compute.POST("/servers/{id}/stop", { params: { path: { id } }, body: {} }),
    );
    expect(peak()).toBe(8);
  });

  it("re-runs only the failures", async () => {
    const { cp } = fake();
    const stop = (id: string) =>
      cp.compute.POST("/servers/{id}/stop", { params: { path: { id } }, body: {} });
    const first = await cp.batch(ids, stop);
    const again = await cp.batch(
      first.failed.map((f) => f.item),
      stop,
    );
    expect(again.results.map((r) => r.item)).toEqual(["s3", "s7", "s13", "s17"]);
  });

  it("stops starting items on abort; the rest fail with the abort reason after the started ones settle", async () => {
    const { cp, started } = fake();
    const ctrl = new AbortController();
    const reason = new Error("stop now");
    const { ok, failed, results } = await cp.batch(
      ids,
      (id) => cp.compute.POST("/servers/{id}/stop", { params: { path: { id } }, body: {} }),
      { concurrency: 2, signal: ctrl.signal, onProgress: (done) => done === 4 && ctrl.abort(reason) },
    );
    expect(results).toHaveLength(20);
    // 4 done when aborted, and the worker that finished 4th had not started another yet; 1 more in flight.
    expect(started.length).toBeLessThanOrEqual(6);
    expect(ok.length + failed.filter((f) => f.error !== reason).length).toBe(started.length);
    expect(failed.filter((f) => f.error === reason).map((f) => f.item)).toEqual(ids.slice(started.length));
  });

  it("takes thrown errors and plain values, and checks its options", async () => {
    const r = await batch([1, 2, 3], async (n) => {
      if (n === 2) throw new Error("two");
      return n * 10;
    });
    expect(r.ok).toEqual([
      { item: 1, value: 10 },
      { item: 3, value: 30 },
    ]);
    expect((r.failed[0]!.error as Error).message).toBe("two");
    expect(await batch([], async () => 1)).toEqual({ ok: [], failed: [], results: [] });
    for (const concurrency of [0, 1.5, Number.NaN]) {
      await expect(batch([1], async () => 1, { concurrency })).rejects.toMatchObject({
        code: "InvalidConfig",
      });
    }
  });
});
