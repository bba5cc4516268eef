// Fidelity: every recorded Cloudpods 3.10 exchange in test/fixtures/cloudpods-real is replayed, in recorded
// order, against one sandbox (ids and tokens mapped as answers come back, AK/SK logins signed again), and the
// answer must have the recorded status, error class, envelope keys and field types. Where the sandbox
// differs on purpose, DEVIATIONS says what it answers instead and why; those answers are asserted too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { Replayer, loadGroup, shapeDiff, type Exchange } from "./replay.js";

const GROUPS = [
  "auth",
  "catalog",
  "extra",
  "identity",
  "policy2",
  "quick2",
  "compute",
  "compute2",
  "compute3",
  "gateway",
  "gateway2",
  "gateway3",
  "image",
  "image2",
  "image3",
];

const SEEDED = "the sandbox seeds its catalog, regions and the sysadmin policy; the recording created them";
const FLAKY_GLANCE =
  "the recording host had no qemu-img, so glance killed these images; the sandbox's stay queued";
/** Recorded file prefix → what the sandbox answers instead, and why. */
const DEVIATIONS: Record<string, { status: number; class?: string; why: string }> = {
  "identity-004": { status: 409, class: "DuplicateNameError", why: SEEDED },
  "identity-006": { status: 404, class: "ResourceNotFoundError", why: SEEDED },
  "identity-008": { status: 404, class: "ResourceNotFoundError", why: SEEDED },
  "identity-010": { status: 404, class: "ResourceNotFoundError", why: SEEDED },
  "identity-012": { status: 409, class: "DuplicateNameError", why: SEEDED },
  "identity-014": { status: 404, class: "ResourceNotFoundError", why: SEEDED },
  "identity-016": { status: 404, class: "ResourceNotFoundError", why: SEEDED },
  "quick2-006": { status: 409, class: "DuplicateNameError", why: SEEDED },
  "policy2-002": { status: 409, class: "DuplicateNameError", why: SEEDED },
  "identity-061": { status: 200, why: "the recorded keystone had no `member` role; the sandbox seeds one" },
  "identity-064": { status: 200, why: "the recorded keystone had no `member` role; the sandbox seeds one" },
  "identity-062": { status: 200, why: "3.10 lacks users/{id}/disable; the sandbox serves it as 3.11 does" },
  "identity-063": { status: 200, why: "3.10 lacks users/{id}/enable; the sandbox serves it as 3.11 does" },
  "compute2-012": {
    status: 403,
    class: "ForbiddenError",
    why: "the region caches checked tokens for a while; the sandbox refuses a revoked token at once",
  },
  "compute2-013": {
    status: 400,
    class: "InputParameterError",
    why: "the region 500s on limit=x; the sandbox validates the query against the spec (integer)",
  },
  "image-014": {
    status: 200,
    why: FLAKY_GLANCE + " (a JSON create is a 0-byte upload: active, so it downloads)",
  },
  "image-019": { status: 200, why: FLAKY_GLANCE },
  "image-021": { status: 403, class: "ForbiddenError", why: FLAKY_GLANCE },
  "image-023": { status: 403, class: "ForbiddenError", why: FLAKY_GLANCE },
  "image-024": { status: 200, why: FLAKY_GLANCE },
  "image-034": { status: 404, class: "NotFoundError", why: "GET /v1/version is not in specs/image.yaml" },
};

const exchanges: Exchange[] = GROUPS.flatMap(loadGroup).sort((a, b) => a.time.localeCompare(b.time));
const deviation = (x: Exchange) => Object.entries(DEVIATIONS).find(([p]) => x.file.startsWith(p + "-"))?.[1];

let sb: Sandbox;
let replayer: Replayer;
const missing = new Set<string>();

beforeAll(async () => {
  // The recordings' sysadmin password, so their password logins replay unchanged.
  sb = await startSandbox({ statusDelayMs: 5, admin: { password: "Sysadmin@Test123" } });
  replayer = new Replayer(sb);
});
afterAll(async () => {
  await sb?.close();
  console.log(
    `fidelity: ${exchanges.length} exchanges, ${missing.size} recorded fields the sandbox leaves out`,
  );
});

describe("the sandbox answers the recorded Cloudpods 3.10 exchanges alike", () => {
  it.each(exchanges.map((x) => [x.file, x] as const))("%s", async (_, x) => {
    // Sequential on purpose: later exchanges use what earlier ones created (vitest runs `it`s in order).
    const answer = await replayer.send(x);
    expect(answer.headers.get("x-request-id")).toMatch(/^[0-9a-f]+/);
    const d = deviation(x);
    if (d) {
      expect(answer.status, d.why).toBe(d.status);
      if (d.class) expect((answer.body as { class?: string }).class, d.why).toBe(d.class);
      return;
    }
    expect(answer.status).toBe(x.response.status);
    // 2xx JSON carries a charset, error bodies do not (recordings).
    const type = x.response.headers["content-type"];
    if (type) expect(answer.headers.get("content-type")).toBe(type);
    const { problems, missing: left } = shapeDiff(x.response.body, answer.body);
    for (const m of left) missing.add(m);
    expect(problems).toEqual([]);
    if (x.request.method === "HEAD" && answer.status === 200) {
      for (const h of Object.keys(x.response.headers).filter((k) => k.startsWith("x-image-meta-")))
        expect(answer.headers.get(h), h).not.toBeNull();
    }
  });

  it("leaves out no more recorded fields than it did (a ratchet: lower it when fields are added)", () => {
    expect(missing.size, [...missing].sort().join(" ")).toBeLessThanOrEqual(47);
  });

  it("lists every deviation it uses", () => {
    for (const prefix of Object.keys(DEVIATIONS))
      expect(
        exchanges.some((x) => x.file.startsWith(prefix + "-")),
        prefix,
      ).toBe(true);
  });
});
