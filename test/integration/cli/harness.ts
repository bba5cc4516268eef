// Spawns the real `cloudpods` bin (src/cli/main.ts through tsx, the dev entry) as a child process against a
// fake Cloudpods, and collects exit code, stdout and stderr. Bounded: a child still running after 60 s is
// killed and the test fails.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { service } from "../../fixtures/token.js";
import { login, startFaultServer, type FaultServer } from "../fault-server.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../../../src/cli/main.ts", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const PASSWORD = "pa55-w0rd-never-printed";

/**
 * Each call gets its own empty token cache unless `env.XDG_CACHE_HOME` names a shared one, so a token cached
 * by one test never saves another test's login.
 */
export function cli(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const own =
    env.XDG_CACHE_HOME === undefined ? mkdtempSync(join(tmpdir(), "cloudpods-cli-cache-")) : undefined;
  return new Promise<CliResult>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", MAIN, ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        // The child's own env only: no OS_* of the developer's shell leaks in.
        env: { PATH: process.env.PATH, HOME: process.env.HOME, COLUMNS: "200", XDG_CACHE_HOME: own, ...env },
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ code: child.exitCode, stdout, stderr });
      },
    );
  }).finally(() => {
    if (own !== undefined) rmSync(own, { recursive: true, force: true });
  });
}

export const startCloud = (): Promise<FaultServer> => startFaultServer();

/** A login whose catalog holds compute_v2, identity and image, all served by the fake itself. */
export function loginRoute(server: FaultServer) {
  return login({
    fixture: {
      catalog: [
        service("compute_v2", { public: server.origin }),
        service("identity", { public: server.authUrl }),
        service("image", { public: `${server.origin}/img/v1` }),
      ],
    },
  });
}

export const osEnv = (server: FaultServer): Record<string, string> => ({
  OS_AUTH_URL: server.authUrl,
  OS_USERNAME: "sysadmin",
  OS_PASSWORD: PASSWORD,
  OS_PROJECT_NAME: "system",
  OS_DOMAIN_NAME: "Default",
});
