// The client suite: throughput against undici.request / fetch / openapi-fetch (throughput.ts), the per-layer
// CPU table (layers.ts), cold start (cold-start.ts), logins under forced token expiry, and keystoneauth1's
// request loop on the same server.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { createCloudpods } from "../src/index.js";
import { coldStart } from "./cold-start.js";
import { drive, oursGet, sdkOptions } from "./harness.js";
import { layersCpu } from "./layers.js";
import { startBenchServer, type BenchServer } from "./server.js";
import { print, printRatio, rounds, spread } from "./stats.js";
import { throughput } from "./throughput.js";

const PYTHON = "/usr/bin/python3";

/** 10 000 GETs, 100 in flight; the injected clock jumps past the token's expiry at 1/3 and 2/3. */
async function forcedExpiry(server: BenchServer, lifetimeMs: number): Promise<void> {
  const total = 10_000;
  let offset = 0;
  await server.setClock(0);
  const cp = createCloudpods(sdkOptions(server, { now: () => Date.now() + offset }));
  const get = oursGet(cp);
  const before = await server.logins();
  let done = 0;
  let failures = 0;
  let jumps = 0;
  const t = performance.now();
  try {
    await drive(
      async () => {
        try {
          await get();
        } catch {
          failures++;
        }
        done++;
        if (jumps < 2 && done >= ((jumps + 1) * total) / 3) {
          const to = ++jumps * lifetimeMs;
          // The server's clock first, so the login this jump causes is issued in the new time.
          await server.setClock(to);
          offset = to;
        }
      },
      total,
      100,
    );
  } finally {
    await cp.close();
    await server.setClock(0);
  }
  const seconds = (performance.now() - t) / 1000;
  print("client.expiry.logins", (await server.logins()) - before, "(goal 3)");
  print("client.expiry.failures", failures, "(goal 0)");
  print("client.expiry.req_per_s", Math.round(total / seconds));
}

/** keystoneauth1's sequential loop, alternated with ours on the same server. */
async function keystoneauth(server: BenchServer, quick: boolean): Promise<void> {
  const n = quick ? 300 : 2000;
  if (!existsSync(PYTHON)) return print("client.keystoneauth1", `unavailable (${PYTHON} not found)`);
  const script = path.join(import.meta.dirname, "keystoneauth_loop.py");
  const py = spawn(PYTHON, [script, `${server.url}/v3`, server.password, String(n)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  py.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-400)));
  const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  const next = async (timeoutMs: number): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const r = await Promise.race([lines.next(), timeout]);
      if (r.done) throw new Error(`exited: ${stderr.trim().split("\n").pop() ?? ""}`);
      return r.value;
    } finally {
      clearTimeout(timer);
    }
  };
  const cp = createCloudpods(sdkOptions(server));
  try {
    const first = await next(30_000);
    if (first.startsWith("unavailable"))
      return print("client.keystoneauth1", `unavailable (${first.slice(12)})`);
    if (first !== "ready") throw new Error(`unexpected first line ${JSON.stringify(first)}`);
    const ours = oursGet(cp);
    await drive(ours, 200, 1);
    const samples = await rounds(
      {
        ours: () => drive(ours, n, 1),
        keystoneauth1: async () => {
          py.stdin.write("run\n");
          return next(60_000);
        },
      },
      { maxRounds: quick ? 3 : 5, budgetMs: quick ? 3_000 : 10_000 },
    );
    // Wall throughput: keystoneauth1's CPU is another process's.
    const rate = (name: string): number[] => samples[name]!.map((s) => n / (s.wallMs / 1000));
    print("client.keystoneauth1.sequential_req_per_s", spread(rate("keystoneauth1").map(Math.round)));
    print("client.keystoneauth1.ours_sequential_req_per_s", spread(rate("ours").map(Math.round)));
    const ks = rate("keystoneauth1");
    printRatio(
      "client.keystoneauth1.ours_vs_keystoneauth1",
      rate("ours").map((x, i) => x / ks[i]!),
      "wall",
    );
  } catch (e) {
    print("client.keystoneauth1", `unavailable (${(e as Error).message})`);
  } finally {
    await cp.close();
    py.stdin.end();
    if (py.exitCode === null && py.pid !== undefined) {
      const exited = new Promise((resolve) => py.once("exit", resolve));
      const timer = setTimeout(() => py.pid !== undefined && process.kill(py.pid, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
  }
}

export async function benchClient(quick: boolean): Promise<void> {
  const lifetimeMs = 3_600_000;
  const server = await startBenchServer({ tokenLifetimeMs: lifetimeMs });
  try {
    await throughput(server, quick);
    await layersCpu(quick);
    await coldStart(server, quick);
    await keystoneauth(server, quick);
    await forcedExpiry(server, lifetimeMs);
  } finally {
    await server.stop();
  }
}
