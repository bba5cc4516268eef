// The real bin against the embedded sandbox (cloudpods-sdk/sandbox): a server's life from create to delete
// with --wait, the other services, an unknown id, and the token cache across commands.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../../src/sandbox/index.js";
import { cli } from "./harness.js";

let sandbox: Sandbox;
let env: Record<string, string>;
let cache: string;

beforeAll(async () => {
  sandbox = await startSandbox({ statusDelayMs: 20 });
  cache = mkdtempSync(join(tmpdir(), "cloudpods-cli-sandbox-"));
  const { username, password, domain, project } = sandbox.admin;
  env = {
    OS_AUTH_URL: sandbox.authUrl,
    OS_USERNAME: username,
    OS_PASSWORD: password,
    OS_DOMAIN_NAME: domain,
    OS_PROJECT_NAME: project,
    OS_PROJECT_DOMAIN: domain,
    CLOUDPODS_WAIT_INTERVAL_MS: "50",
    XDG_CACHE_HOME: cache,
  };
});
afterAll(async () => {
  await sandbox.close();
  rmSync(cache, { recursive: true, force: true });
});

const json = <T>(s: string): T => JSON.parse(s) as T;

describe("cloudpods against the sandbox", { timeout: 180_000 }, () => {
  it("creates, lists, shows, stops and deletes a server, waiting on each", async () => {
    const created = await cli(
      [
        "server-create",
        "--name",
        "cli-vm",
        "--vcpu-count",
        "1",
        "--vmem-size",
        "1024",
        "--disks",
        '[{"image_id":"cirros-0.6.2-x86_64"}]',
        "--wait",
        "-o",
        "json",
      ],
      env,
    );
    expect(created.stderr).toContain(": running\n");
    expect(created.code).toBe(0);
    const vm = json<{ id: string; status: string }>(created.stdout);
    expect(vm.status).toBe("running");

    const list = await cli(["server-list", "--status", "running", "-o", "json"], env);
    expect(list.code).toBe(0);
    expect(json<{ id: string }[]>(list.stdout).map((s) => s.id)).toContain(vm.id);
    const table = await cli(["server-list"], env);
    expect(table.stdout).toContain("cli-vm");

    const stop = await cli(["server-stop", vm.id, "--wait", "-o", "json"], env);
    expect(stop.code).toBe(0);
    expect(json<{ status: string }>(stop.stdout).status).toBe("ready");

    const del = await cli(["server-delete", vm.id, "--wait"], env);
    expect(del.code).toBe(0);
    expect(del.stderr).toContain("deleted");
  });

  it("an unknown id exits 1 with the Cloudpods class and request id", async () => {
    const r = await cli(["server-show", "no-such-server"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/class: +ResourceNotFoundError/);
    expect(r.stderr).toMatch(/request id: +\S+/);
  });

  it("reaches identity and image too, and reuses the cached token", async () => {
    const first = await cli(["project-list", "-o", "json"], env);
    expect(first.code).toBe(0);
    expect(json<{ name: string }[]>(first.stdout).map((p) => p.name)).toContain(sandbox.admin.project);
    const images = await cli(["--debug", "image-list", "-o", "json"], env);
    expect(images.code).toBe(0);
    expect(json<unknown[]>(images.stdout).length).toBeGreaterThan(0);
    // The cache from the earlier commands: no login line, only the GET.
    expect(images.stderr).not.toContain("/auth/tokens");
    expect(images.stderr).toContain("curl -v -X GET");
  });
});
