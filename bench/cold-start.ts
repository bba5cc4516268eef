// Cold start: a fresh Node process that imports the built package, logs in and makes its first GET, against
// the same steps written by hand with the platform fetch, alternated round by round. The package is built
// into a scratch folder the way `npm run build` lays out dist/ (one ES module per source file; esbuild's
// per-file transform, so the bench need not wait for a full tsc emit of the generated types).
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import type { BenchServer } from "./server.js";
import { print, printRatio, spread } from "./stats.js";

const root = path.resolve(import.meta.dirname, "..");

interface Phases {
  importMs: number;
  loginMs: number;
  getMs: number;
  totalMs: number;
  cpuMs: number;
}

// Both children print the same figures: wall ms since their first line, per phase, and CPU ms in total.
const OURS = (index: string) => `
const t0 = performance.now(), c0 = process.cpuUsage();
const { createCloudpods } = await import(${JSON.stringify(index)});
const t1 = performance.now();
const cp = createCloudpods({
  authUrl: process.env.AUTH_URL,
  credentials: { username: "sysadmin", password: process.env.PASSWORD, domain: "Default" },
  project: { name: "system", domain: "Default" },
  region: "region0",
});
await cp.auth.getAccess();
const t2 = performance.now();
const { data, response } = await cp.compute.GET("/servers");
if (response.status !== 200 || !data.servers) throw new Error("GET /servers: " + response.status);
const t3 = performance.now(), c = process.cpuUsage(c0);
await cp.close();
console.log(JSON.stringify({ importMs: t1 - t0, loginMs: t2 - t1, getMs: t3 - t2, totalMs: t3 - t0,
  cpuMs: (c.user + c.system) / 1000 }));
`;

const BY_HAND = `
const t0 = performance.now(), c0 = process.cpuUsage();
const authUrl = process.env.AUTH_URL;
const t1 = performance.now();
const login = await fetch(authUrl + "/auth/tokens", {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ auth: {
    identity: { methods: ["password"], password: { user: { name: "sysadmin", password: process.env.PASSWORD,
      domain: { name: "Default" } } } },
    scope: { project: { name: "system", domain: { name: "Default" } } },
  } }),
});
if (login.status !== 201 && login.status !== 200) throw new Error("login: " + login.status);
const token = login.headers.get("x-subject-token");
const { catalog } = (await login.json()).token;
const compute = catalog.find((s) => s.type === "compute_v2").endpoints
  .find((e) => e.interface === "public" && e.region_id === "region0").url;
const t2 = performance.now();
const res = await fetch(compute + "/servers", { headers: { "X-Auth-Token": token } });
const data = await res.json();
if (res.status !== 200 || !data.servers) throw new Error("GET /servers: " + res.status);
const t3 = performance.now(), c = process.cpuUsage(c0);
console.log(JSON.stringify({ importMs: t1 - t0, loginMs: t2 - t1, getMs: t3 - t2, totalMs: t3 - t0,
  cpuMs: (c.user + c.system) / 1000 }));
`;

async function buildPackage(outDir: string): Promise<string> {
  const sources: string[] = [];
  for (const dir of ["src", "generated"]) {
    for (const f of await readdir(path.join(root, dir), { recursive: true }))
      if (f.endsWith(".ts") && !f.endsWith(".d.ts")) sources.push(path.join(root, dir, f));
  }
  await build({
    entryPoints: sources,
    outdir: outDir,
    outbase: root,
    format: "esm",
    platform: "node",
    target: "es2022",
    logLevel: "silent",
  });
  await writeFile(path.join(outDir, "package.json"), JSON.stringify({ type: "module" }));
  return path.join(outDir, "src/index.js");
}

export async function coldStart(server: BenchServer, quick: boolean): Promise<void> {
  await mkdir(path.join(root, "node_modules/.cache"), { recursive: true });
  // Inside the repository so the built files resolve openapi-fetch and undici from node_modules.
  const scratch = await mkdtemp(path.join(root, "node_modules/.cache/cpsdk-bench-cold-"));
  try {
    const index = await buildPackage(path.join(scratch, "dist"));
    const scripts = { ours: OURS(index), fetch_sequence: BY_HAND };
    for (const [name, text] of Object.entries(scripts))
      await writeFile(path.join(scratch, `${name}.mjs`), text);
    const env = { ...process.env, AUTH_URL: `${server.url}/v3`, PASSWORD: server.password };
    const run = async (name: string): Promise<Phases> => {
      const { stdout } = await promisify(execFile)(process.execPath, [path.join(scratch, `${name}.mjs`)], {
        env,
        timeout: 30_000,
      });
      return JSON.parse(stdout) as Phases;
    };
    const samples: Record<string, Phases[]> = { ours: [], fetch_sequence: [] };
    // One unmeasured run each: the first spawn also warms the OS file cache.
    for (const name of Object.keys(samples)) await run(name);
    for (let r = 0; r < (quick ? 3 : 9); r++)
      for (const name of Object.keys(samples)) samples[name]!.push(await run(name));
    for (const [name, xs] of Object.entries(samples)) {
      for (const k of ["importMs", "loginMs", "getMs", "totalMs", "cpuMs"] as const)
        print(`client.cold_start.${name}.${k.replace(/Ms$/, "")}_ms`, spread(xs.map((x) => x[k])));
    }
    // Time ratio (< 1: ours starts faster), paired by round.
    const ratio = samples.ours!.map((x, i) => x.totalMs / samples.fetch_sequence![i]!.totalMs);
    printRatio(
      "client.cold_start.ours_vs_fetch_sequence",
      ratio,
      "wall time, import + login + first GET; goal ≤ 1.2",
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
