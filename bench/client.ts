// Our runtime client against a local server in a child process (bench/server.ts), side by side with raw fetch,
// plain openapi-fetch and undici.request; the CPU our layers add per request; logins under forced token expiry;
// and keystoneauth1's request loop on the same server.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import createClient from "openapi-fetch";
import { request } from "undici";
import type { paths as ComputePaths } from "../generated/compute.js";
import { createCloudpods, type CloudpodsOptions } from "../src/index.js";
import { NATIVE_TRANSPORT } from "../src/transport.js";
import { FIXTURE_NOW, service, tokenFixture } from "../test/fixtures/token.js";
import { serversBody, startBenchServer, type BenchServer } from "./server.js";
import { median, print } from "./stats.js";

type One = () => Promise<unknown>;

const PYTHON = "/usr/bin/python3";
const JSON_HEADERS = { "Content-Type": "application/json;charset=utf-8" };

/** `n` calls of `one`, `inFlight` at a time. */
async function drive(one: One, n: number, inFlight: number): Promise<void> {
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started++ < n) await one();
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, worker));
}

/**
 * Alternates the candidates (a b c, a b c, ...) so all see the same machine load and returns every sample in
 * milliseconds, per candidate. Stops after maxRounds, or after 3 rounds once budgetMs is spent.
 */
async function rounds(
  candidates: Record<string, One>,
  maxRounds: number,
  budgetMs: number,
): Promise<Record<string, number[]>> {
  const names = Object.keys(candidates);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const start = performance.now();
  for (let r = 0; r < maxRounds && (r < 3 || performance.now() - start < budgetMs); r++) {
    for (const n of names) {
      const t = performance.now();
      await candidates[n]!();
      samples[n]!.push(performance.now() - t);
    }
  }
  return samples;
}

const medians = (samples: Record<string, number[]>): Record<string, number> =>
  Object.fromEntries(Object.entries(samples).map(([n, xs]) => [n, median(xs)]));

const ok = (status: number, what: string): void => {
  if (status !== 200) throw new Error(`${what}: GET /servers answered ${status}`);
};

function sdkOptions(server: BenchServer, extra: Partial<CloudpodsOptions> = {}): CloudpodsOptions {
  return {
    authUrl: `${server.url}/v3`,
    credentials: { username: "sysadmin", password: server.password, domain: "Default" },
    project: { name: "system", domain: "Default" },
    region: "region0",
    ...extra,
  };
}

function oursGet(cp: ReturnType<typeof createCloudpods>): One {
  return async () => {
    const { data, response } = await cp.compute.GET("/servers");
    ok(response.status, "ours");
    return data;
  };
}

/** (1) Requests per second of each candidate, sequential and 50 in flight, with ratios to raw fetch. */
async function throughput(server: BenchServer, quick: boolean): Promise<void> {
  const ours = createCloudpods(sdkOptions(server));
  const oursPlatform = createCloudpods(sdkOptions(server, { fetch: globalThis.fetch }));
  const token = (await ours.auth.getAccess()).token;
  const url = `${server.url}/servers`;
  const headers = { "X-Auth-Token": token };
  const plain = createClient<ComputePaths>({ baseUrl: server.url, headers });
  const one: Record<string, One> = {
    raw_fetch: async () => {
      const res = await fetch(url, { headers });
      ok(res.status, "fetch");
      return res.json();
    },
    ours: oursGet(ours),
    openapi_fetch: async () => {
      const { data, response } = await plain.GET("/servers");
      ok(response.status, "openapi-fetch");
      return data;
    },
    undici_request: async () => {
      const { statusCode, body } = await request(url, { headers });
      ok(statusCode, "undici.request");
      return body.json();
    },
    ours_platform_fetch: oursGet(oursPlatform),
  };
  const modes = [
    { label: "sequential", n: quick ? 300 : 2000, inFlight: 1 },
    { label: "in_flight_50", n: quick ? 1000 : 5000, inFlight: 50 },
  ];
  try {
    for (const m of modes) {
      // Warm-up: JIT, login, and every candidate's connection pool filled to this mode's width.
      for (const f of Object.values(one)) await drive(f, Math.max(200, m.inFlight * 4), m.inFlight);
      const candidates = Object.fromEntries(
        Object.entries(one).map(([name, f]) => [name, () => drive(f, m.n, m.inFlight)]),
      );
      const ms = medians(await rounds(candidates, quick ? 7 : 5, quick ? 5_000 : 25_000));
      const rate = (name: string): number => m.n / (ms[name]! / 1000);
      for (const name of Object.keys(one))
        print(`client.${m.label}.${name}_req_per_s`, Math.round(rate(name)));
      const raw = rate("raw_fetch");
      print(`client.${m.label}.ours_vs_raw_fetch`, rate("ours") / raw, "x (goal ≥ 1.0)");
      print(
        `client.${m.label}.ours_platform_fetch_vs_raw_fetch`,
        rate("ours_platform_fetch") / raw,
        "x (goal ≥ 0.80)",
      );
      print(`client.${m.label}.openapi_fetch_vs_raw_fetch`, rate("openapi_fetch") / raw, "x");
      print(`client.${m.label}.undici_request_vs_raw_fetch`, rate("undici_request") / raw, "x");
    }
  } finally {
    await ours.close();
    await oursPlatform.close();
  }
}

/**
 * (2) In-process: our compute.GET vs plain openapi-fetch over the same no-op fetch; the difference is ours.
 * Two shapes of "ours": over a native no-op transport (what the default Node transport plugs into: session,
 * auth header, URL rewrite, transport wrapper) and over a plain no-op fetch, where the transport must also
 * build a Request carrying its timeout signal (Node's Request with a signal costs ~30 µs by itself).
 */
async function layersCpu(quick: boolean): Promise<void> {
  const base = "http://bench.invalid";
  const login = tokenFixture({ issuedAt: FIXTURE_NOW, catalog: [service("compute_v2", { public: base })] });
  const body = new TextEncoder().encode(serversBody());
  const noop = async (req: Request): Promise<Response> =>
    req.method === "POST" ? login.response() : new Response(body, { status: 200, headers: JSON_HEADERS });
  const ours = createCloudpods({
    authUrl: `${base}/v3`,
    credentials: { username: "sysadmin", password: "x", domain: "Default" },
    project: { name: "system", domain: "Default" },
    region: "region0",
    fetch: noop,
    now: () => FIXTURE_NOW,
  });
  const native = Object.assign(
    async (req: Request, init?: { url?: string }): Promise<Response> =>
      (init?.url ?? req.url).endsWith("/auth/tokens")
        ? login.response()
        : new Response(body, { status: 200, headers: JSON_HEADERS }),
    { [NATIVE_TRANSPORT]: true },
  );
  const oursNative = createCloudpods({
    authUrl: `${base}/v3`,
    credentials: { username: "sysadmin", password: "x", domain: "Default" },
    project: { name: "system", domain: "Default" },
    region: "region0",
    fetch: native as unknown as (req: Request) => Promise<Response>,
    now: () => FIXTURE_NOW,
  });
  const plain = createClient<ComputePaths>({
    baseUrl: base,
    fetch: noop,
    headers: { "X-Auth-Token": login.token },
  });
  const one: Record<string, One> = {
    openapi_fetch: async () => ok((await plain.GET("/servers")).response.status, "openapi-fetch"),
    ours: oursGet(ours),
    ours_native: oursGet(oursNative),
  };
  const n = quick ? 2_000 : 5_000;
  for (const f of Object.values(one)) await drive(f, n, 1);
  const samples = await rounds(
    Object.fromEntries(Object.entries(one).map(([name, f]) => [name, () => drive(f, n, 1)])),
    quick ? 9 : 25,
    quick ? 3_000 : 10_000,
  );
  const us = (ms: number): number => (ms * 1000) / n;
  const ms = medians(samples);
  print("client.cpu.openapi_fetch_us_per_request", us(ms.openapi_fetch!));
  print("client.cpu.ours_us_per_request", us(ms.ours!));
  // Paired by round (each pair ran back to back), which cancels most of the load drift between rounds.
  print("client.cpu.ours_native_transport_us_per_request", us(ms.ours_native!));
  const added = (name: string) => median(samples[name]!.map((t, i) => t - samples.openapi_fetch![i]!));
  print(
    "client.our_layers_cpu_us_per_request",
    us(added("ours_native")),
    "µs (default Node path; goal ≤ 10)",
  );
  print(
    "client.our_layers_cpu_us_per_request_plain_fetch",
    us(added("ours")),
    "µs (custom fetch: + Request with timeout signal)",
  );
}

/** (3) 10 000 GETs, 100 in flight; the injected clock jumps past the token's expiry at 1/3 and 2/3. */
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

/** (4) keystoneauth1's sequential loop, alternated with ours on the same server. */
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
    const ms = medians(
      await rounds(
        {
          ours: () => drive(ours, n, 1),
          keystoneauth1: async () => {
            py.stdin.write("run\n");
            return next(60_000);
          },
        },
        quick ? 3 : 5,
        quick ? 3_000 : 15_000,
      ),
    );
    const rate = (name: string): number => n / (ms[name]! / 1000);
    print("client.keystoneauth1.sequential_req_per_s", Math.round(rate("keystoneauth1")));
    print("client.keystoneauth1.ours_sequential_req_per_s", Math.round(rate("ours")));
    print("client.keystoneauth1.ours_vs_keystoneauth1", rate("ours") / rate("keystoneauth1"), "x");
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
    await keystoneauth(server, quick);
    await forcedExpiry(server, lifetimeMs);
  } finally {
    await server.stop();
  }
}
