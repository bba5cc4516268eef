// `npm start`: the tour is type-checked and run as a person would run it, against the embedded sandbox and,
// read-only, against a "real" Cloudpods given by OS_* variables (a second sandbox started here).
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");
const tour = path.join(root, "examples/tour.ts");
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OS_")));

async function runTour(args: string[] = [], extra: Record<string, string> = {}) {
  return run(tsx, [tour, ...args], { cwd: root, env: { ...env, ...extra }, maxBuffer: 16 << 20 });
}

describe("the tour (npm start)", () => {
  it("type-checks", async () => {
    await run(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "examples"], {
      cwd: root,
    });
  }, 240_000);

  it("does the whole job against the sandbox, cleans up and exits 0", async () => {
    const { stdout, stderr } = await runTour();
    expect(stderr).toBe("");
    for (const step of [
      /1\. Log in with a password as sysadmin/,
      /Create an access key \(AK\/SK\) and log in with it\n.*\n\s+AK\/SK login: user sysadmin, project system/,
      /SERVICE\s+INTERFACE\s+REGION\s+URL/,
      /compute_v2\s+public\s+region1/,
      /Create a vpc, a wire, a network, a keypair and a security group/,
      /image cirros/,
      /init → schedule → /,
      /tour-server is running/,
      /tour-server is ready/,
      /Page through servers, two to a page\n\s+tour-server \(ready\)/,
      /deleted server tour-server/,
      /deleted vpc tour-vpc/,
      /Done: everything the tour created was deleted/,
    ]) {
      expect(stdout).toMatch(step);
    }
    expect(stdout).not.toMatch(/could not delete/);
  }, 180_000);

  it("--debug prints redacted curl lines and never the password or a token", async () => {
    const { stdout, stderr } = await runTour(["--debug"]);
    const all = stdout + stderr;
    expect(all).toMatch(/curl .*-X POST .*\/v3\/auth\/tokens/);
    expect(all).toMatch(/x-auth-token: \{SHA256\}[0-9a-f]{8}/i);
    expect(all).not.toContain("Sysadmin@Sandbox123");
    expect(all).not.toMatch(/x-auth-token: (?!\{SHA256\})/i);
  }, 180_000);

  describe("with OS_AUTH_URL", () => {
    let real: Sandbox;
    beforeAll(async () => {
      real = await startSandbox();
    });
    afterAll(() => real.close());

    it("runs the read-only part against that Cloudpods and changes nothing", async () => {
      // Every write but the login would be refused and counted: the tour must make none.
      const writes = ["POST", "PUT", "PATCH", "DELETE"].map((method) =>
        real.faults.failNext({ method, path: /^(?!.*\/auth\/tokens$)/, times: 1e9, status: 418 }),
      );
      const { stdout } = await runTour([], {
        OS_AUTH_URL: real.authUrl,
        OS_USERNAME: real.admin.username,
        OS_PASSWORD: real.admin.password,
        OS_DOMAIN_NAME: real.admin.domain,
        OS_PROJECT_NAME: real.admin.project,
        OS_PROJECT_DOMAIN: real.admin.domain,
      });
      expect(stdout).toMatch(/read-only, against http:\/\/127\.0\.0\.1:\d+\/v3/);
      expect(stdout).toMatch(/SERVICE\s+INTERFACE/);
      expect(stdout).toMatch(/Done: nothing was changed/);
      expect(stdout).not.toMatch(/Create a vpc/);
      expect(writes.map((w) => w.hits)).toEqual([0, 0, 0, 0]);
    }, 180_000);
  });
});
