// The `cloudpods` bin's start-up: spawn the BUILT bin (dist/, what an installed package runs) for
// `cloudpods server-list` and time spawn → first byte on stdout. The token cache is on, as for a user, so
// after the first run this is start-up + one GET. Against the embedded sandbox, in this process.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { startSandbox } from "../src/sandbox/index.js";
import { median, print } from "./stats.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(root, "dist/src/cli/main.js");

/** ms from spawn to the first stdout chunk; rejects if the bin fails or takes over 30 s. */
function firstOutput(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first: number | undefined;
    let err = "";
    const child = spawn(process.execPath, [BIN, "server-list"], { env, stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill(), 30_000);
    child.stdout.once("data", () => (first ??= performance.now() - t0));
    child.stdout.resume();
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0 && first !== undefined) resolve(first);
      else reject(new Error(`cloudpods server-list exited ${code}: ${err.slice(0, 300)}`));
    });
  });
}

export async function benchCli(quick: boolean): Promise<void> {
  if (!existsSync(BIN)) throw new Error("bench cli: run `npm run build` first (it times the built bin)");
  const sandbox = await startSandbox();
  const cache = mkdtempSync(path.join(tmpdir(), "cloudpods-bench-"));
  try {
    const { username, password, domain, project } = sandbox.admin;
    const env = {
      PATH: process.env.PATH,
      XDG_CACHE_HOME: cache,
      OS_AUTH_URL: sandbox.authUrl,
      OS_USERNAME: username,
      OS_PASSWORD: password,
      OS_DOMAIN_NAME: domain,
      OS_PROJECT_NAME: project,
      OS_PROJECT_DOMAIN: domain,
    };
    await firstOutput(env); // warm-up: logs in and fills the token cache
    const runs = quick ? 5 : 15;
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await firstOutput(env));
    const ms = (x: number) => Math.round(x);
    print(
      "cli.server_list.first_output_ms",
      `${ms(median(samples))} ms (${ms(Math.min(...samples))}–${ms(Math.max(...samples))})`,
    );
  } finally {
    await sandbox.close();
    rmSync(cache, { recursive: true, force: true });
  }
}
