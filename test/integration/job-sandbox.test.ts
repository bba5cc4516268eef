// Waiters against the embedded sandbox: a real create that walks init → … → running on the sandbox's own
// clock, then a delete into the recycle bin (pending_deleted) and a purge (404).
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCloudpods, type Cloudpods } from "../../src/index.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";

let sb: Sandbox;
let cp: Cloudpods;

beforeAll(async () => {
  sb = await startSandbox({ statusDelayMs: 5 });
  cp = createCloudpods({
    authUrl: sb.authUrl,
    credentials: { username: sb.admin.username, password: sb.admin.password, domain: sb.admin.domain },
    project: { name: sb.admin.project, domain: sb.admin.domain },
  });
});
afterAll(async () => {
  await cp.close();
  await sb.close();
});

it("waits for a new server to run, then for its deletion", async () => {
  const created = await cp.compute.POST("/servers", {
    body: { server: { name: "wait-vm", vcpu_count: 1, vmem_size: 512, disks: [{ size: 10240 }] } },
  });
  expect(created.error).toBeUndefined();
  // A one-server create answers `{ server }` (the type also allows the multi-create answer).
  const first = (created.data as { server: { id: string; status?: string } }).server;
  const id = first.id;
  expect(first.status).toBe("init");
  const seen: (string | undefined)[] = [];
  const server = await cp.compute.waitFor(
    "/servers/{id}",
    { params: { path: { id } } },
    {
      until: (s) => s.status === "running",
      intervalMs: 2,
      timeoutMs: 20_000,
      onProgress: (s) => seen.push(s.status),
    },
  );
  expect(server).toMatchObject({ id, name: "wait-vm", status: "running" });
  expect(seen.every((st) => st !== "running")).toBe(true);

  // First delete: the recycle bin (pending_deleted), then a purge that removes it.
  await cp.compute.DELETE("/servers/{id}", { params: { path: { id } } });
  await cp.compute.waitForDelete(
    "/servers/{id}",
    { params: { path: { id } } },
    {
      pendingDeleted: true,
      intervalMs: 2,
      timeoutMs: 20_000,
    },
  );
  await cp.compute.DELETE("/servers/{id}", {
    params: { path: { id }, query: { override_pending_delete: true } },
  });
  await cp.compute.waitForDelete(
    "/servers/{id}",
    { params: { path: { id } } },
    { intervalMs: 2, timeoutMs: 20_000 },
  );
  const gone = await cp.compute.GET("/servers/{id}", { params: { path: { id } } });
  expect(gone.response.status).toBe(404);
});
