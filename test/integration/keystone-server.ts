// Starts a REAL OpenStack Keystone (Debian python3-keystone under uwsgi) in a fresh temp dir, seeds a
// Cloudpods-style catalog through the admin REST API, and stops it by PID. See .ci/run for the apt packages.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { followToExit, followUntil } from "./readiness.js";

/** The only way to skip the integration suites: missing binaries otherwise fail loudly. */
export const integrationSkipped = process.env.CLOUDPODS_SKIP_INTEGRATION === "1";
export const SKIP_HINT =
  "install them (apt-get install -y python3-keystone python3-keystoneauth1 python3-openstackclient uwsgi-core " +
  "uwsgi-plugin-python3) or set CLOUDPODS_SKIP_INTEGRATION=1 to skip the integration tests";

// Trap 7: the python3 first on PATH may be a pyenv without the Debian modules.
const PYTHON = "/usr/bin/python3";
const ADMIN_PASSWORD = "admin-secret";
const DEMO_PASSWORD = "demo-secret";
const STOP_GRACE_MS = 5_000;

export type ComputeUrlKey = "region0Public" | "region0Internal" | "region1Public" | "region1Internal";
export type ComputeUrls = Record<ComputeUrlKey, string>;

export const DEFAULT_COMPUTE_URLS: ComputeUrls = {
  region0Public: "http://127.0.0.1:9/region0-public",
  region0Internal: "http://compute-internal.region0:30888",
  region1Public: "http://compute-public.region1:30888",
  region1Internal: "http://compute-internal.region1:30888",
};

/** Ids and names the seeding created, for the tests to log in and scope with. */
export type KeystoneSeed = Awaited<ReturnType<typeof seedCatalog>>;

export interface KeystoneTimings {
  /** db_sync → WAL → bootstrap, run alongside fernet_setup and credential_setup. */
  manageMs: number;
  /** uwsgi launch → first `GET /v3` 200. */
  firstOkMs: number;
  seedMs: number;
  totalMs: number;
}

export interface KeystoneHandle {
  /** `http://127.0.0.1:<port>/v3`, no trailing slash (Cloudpods rule). */
  authUrl: string;
  pid: number;
  admin: { username: "admin"; password: string; project: "admin"; domain: "Default" };
  seed: KeystoneSeed;
  timings: KeystoneTimings;
  /** Revokes any token through the admin API (DELETE /v3/auth/tokens). */
  revokeToken(token: string): Promise<void>;
  /** Points one compute_v2 endpoint at a new URL (e.g. Prism) after start. */
  setComputeUrl(key: ComputeUrlKey, url: string): Promise<void>;
  stop(): Promise<void>;
}

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const which = (name: string): string | undefined =>
  [...(process.env.PATH ?? "").split(delimiter), "/usr/bin"].map((d) => join(d, name)).find(isExecutable);

function requireBinaries(): { manage: string; wsgi: string; uwsgi: string } {
  const names = ["keystone-manage", "keystone-wsgi-public", "uwsgi"];
  const [manage, wsgi, uwsgi] = names.map(which);
  const missing = [...names.filter((n) => !which(n)), ...(isExecutable(PYTHON) ? [] : [PYTHON])];
  if (!manage || !wsgi || !uwsgi || missing.length > 0) {
    throw new Error(`Keystone integration peer: missing ${missing.join(", ")}; ${SKIP_HINT}`);
  }
  return { manage, wsgi, uwsgi };
}

/** Debian's interpreter must not see a pyenv's PYTHONPATH/PYTHONHOME. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { PYTHONPATH: _p, PYTHONHOME: _h, ...rest } = process.env;
  return { ...rest, PATH: `/usr/bin:/bin:${process.env.PATH ?? ""}`, ...extra };
}

// Trap 6: keystone-manage prints an eventlet traceback at exit even on success; only the exit code counts.
// Followed to its exit (no fixed timeout: db_sync on a loaded machine can take minutes), and a failure quotes
// its own output and keystone.log, which is where keystone-manage logs once log_file is set.
async function run(step: string, file: string, args: string[], dir: string): Promise<void> {
  const child = spawn(file, args, { env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (c: Buffer): void => {
    output = (output + c.toString("utf8")).slice(-64_000);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const log = (): string =>
    `${output.trimEnd() || "(no output)"}\n-- keystone.log --\n${tailFile(join(dir, "keystone.log"), 15)}`;
  await followToExit({ name: step, child, log });
}

const tail = (text: string, lines: number): string => text.trimEnd().split("\n").slice(-lines).join("\n");
const tailFile = (path: string, lines: number): string =>
  existsSync(path) ? tail(readFileSync(path, "utf8"), lines) : "(no log)";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

// Trap 2: the memory cache (one process); trap 3: credential caching off; trap 5: cheap bcrypt before bootstrap.
// Receipts share the token key repository: the default /etc/keystone/fernet-keys is written by fernet_setup
// as root and makes bootstrap fail with EACCES for anyone else.
const config = (dir: string): string => `[DEFAULT]
log_file = ${join(dir, "keystone.log")}
[database]
connection = sqlite:///${join(dir, "keystone.db")}
[token]
provider = fernet
[fernet_tokens]
key_repository = ${join(dir, "fernet-keys")}
[fernet_receipts]
key_repository = ${join(dir, "fernet-keys")}
[credential]
key_repository = ${join(dir, "credential-keys")}
caching = false
[cache]
enabled = true
backend = dogpile.cache.memory
[identity]
password_hash_rounds = 4
`;

async function prepare(dir: string, manage: string, identityUrl: string): Promise<void> {
  const conf = ["--config-file", join(dir, "keystone.conf")];
  const [uid, gid] = [process.getuid?.() ?? 0, process.getgid?.() ?? 0];
  const owner = ["--keystone-user", String(uid), "--keystone-group", String(gid)];
  const dbChain = async (): Promise<void> => {
    await run("keystone-manage db_sync", manage, [...conf, "db_sync"], dir);
    // Trap 1: without WAL a worker's SHARED lock after a password auth makes every write a 500.
    const wal =
      "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL'); c.close()";
    await run("PRAGMA journal_mode=WAL", PYTHON, ["-c", wal, join(dir, "keystone.db")], dir);
    const urls = ["public", "internal", "admin"].flatMap((i) => [`--bootstrap-${i}-url`, identityUrl]);
    const boot = ["--bootstrap-password", ADMIN_PASSWORD, "--bootstrap-region-id", "RegionOne", ...urls];
    await run("keystone-manage bootstrap", manage, [...conf, "bootstrap", ...boot], dir);
  };
  // The key repositories do not touch the database, so they run alongside the db chain.
  await Promise.all([
    dbChain(),
    run("keystone-manage fernet_setup", manage, [...conf, "fernet_setup", ...owner], dir),
    run("keystone-manage credential_setup", manage, [...conf, "credential_setup", ...owner], dir),
  ]);
}

function launch(dir: string, uwsgi: string, wsgi: string, port: number): ChildProcess {
  const log = openSync(join(dir, "uwsgi.log"), "a");
  const args = ["--plugin", "python3", "--http-socket", `127.0.0.1:${port}`, "--wsgi-file", wsgi];
  // Trap 4: --http-socket never keeps a connection alive, so it must say so.
  args.push(...["--master", "--processes", "1", "--threads", "1", "--die-on-term"]);
  args.push("--add-header", "Connection: close");
  const env = childEnv({ OS_KEYSTONE_CONFIG_FILES: join(dir, "keystone.conf") });
  // Own process group, so a SIGKILL fallback also reaches the worker.
  const child = spawn(uwsgi, args, { env, stdio: ["ignore", log, log], detached: true });
  closeSync(log);
  return child;
}

/** Until `GET /v3` answers 200, for as long as uwsgi and its worker make progress (see readiness.ts). */
async function waitReady(child: ChildProcess, base: string, logPath: string): Promise<void> {
  const probe = async (): Promise<true | undefined> => {
    const res = await fetch(`${base}/v3`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return res.status === 200 || undefined;
  };
  const log = (): string => (existsSync(logPath) ? readFileSync(logPath, "utf8").slice(-64_000) : "");
  await followUntil({ name: "Keystone (uwsgi)", child, log, pollMs: 200 }, probe);
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), STOP_GRACE_MS)));
  if ((await Promise.race([exited, grace])) === "timeout") {
    killGroup(child.pid);
    await exited;
  }
  clearTimeout(timer);
}

export async function startKeystone(
  options: { computeUrls?: Partial<ComputeUrls> } = {},
): Promise<KeystoneHandle> {
  const { manage, wsgi, uwsgi } = requireBinaries();
  const t0 = Date.now();
  const dir = await mkdtemp(join(tmpdir(), "cloudpods-keystone-"));
  let child: ChildProcess | undefined;
  const killOnExit = (): void => {
    if (child?.pid !== undefined && child.exitCode === null) killGroup(child.pid);
  };
  process.once("exit", killOnExit);
  try {
    await writeFile(join(dir, "keystone.conf"), config(dir));
    let port = await freePort();
    await prepare(dir, manage, `http://127.0.0.1:${port}/v3`);
    const tManage = Date.now();
    let tReady = tManage;
    // The port was free when chosen; if another process took it meanwhile, take a new one (bounded).
    for (let attempt = 1; ; attempt++) {
      tReady = Date.now();
      child = launch(dir, uwsgi, wsgi, port);
      try {
        await waitReady(child, `http://127.0.0.1:${port}`, join(dir, "uwsgi.log"));
        break;
      } catch (err) {
        await stopChild(child);
        if (attempt >= 3 || !tailFile(join(dir, "uwsgi.log"), 25).includes("Address already in use"))
          throw err;
        port = await freePort();
      }
    }
    const firstOkMs = Date.now() - tReady;
    const authUrl = `http://127.0.0.1:${port}/v3`;
    const admin = await adminSession(authUrl);
    await admin.fixIdentityEndpoints(authUrl);
    const tSeed = Date.now();
    const seed = await seedCatalog(admin, { ...DEFAULT_COMPUTE_URLS, ...options.computeUrls });
    const now = Date.now();
    const running = child;
    return {
      authUrl,
      pid: running.pid ?? -1,
      admin: { username: "admin", password: ADMIN_PASSWORD, project: "admin", domain: "Default" },
      seed,
      timings: { manageMs: tManage - t0, firstOkMs, seedMs: now - tSeed, totalMs: now - t0 },
      revokeToken: (token) => admin.call("DELETE", "/auth/tokens", undefined, { "X-Subject-Token": token }),
      setComputeUrl: async (key, url) => {
        await admin.call("PATCH", `/endpoints/${seed.endpointIds[key]}`, { endpoint: { url } });
        seed.compute.urls[key] = url;
      },
      stop: async () => {
        await stopChild(running);
        process.removeListener("exit", killOnExit);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (child) await stopChild(child);
    process.removeListener("exit", killOnExit);
    const ksLog = tailFile(join(dir, "keystone.log"), 15);
    await rm(dir, { recursive: true, force: true });
    if (err instanceof Error) err.message += `\nkeystone.log:\n${ksLog}`;
    throw err;
  }
}

type AdminCall = <T = unknown>(method: string, path: string, body?: unknown, headers?: object) => Promise<T>;
interface AdminSession {
  call: AdminCall;
  fixIdentityEndpoints(authUrl: string): Promise<void>;
}

async function adminSession(authUrl: string): Promise<AdminSession> {
  const user = { name: "admin", domain: { id: "default" }, password: ADMIN_PASSWORD };
  const scope = { project: { name: "admin", domain: { id: "default" } } };
  const login = { auth: { identity: { methods: ["password"], password: { user } }, scope } };
  const json = { "Content-Type": "application/json" };
  const res = await fetch(`${authUrl}/auth/tokens`, {
    method: "POST",
    headers: json,
    body: JSON.stringify(login),
  });
  const token = res.headers.get("x-subject-token");
  await res.arrayBuffer();
  if (res.status !== 201 || !token) throw new Error(`admin login failed: ${res.status}`);
  const call: AdminCall = async <T>(method: string, path: string, body?: unknown, headers = {}) => {
    const init: RequestInit = { method, headers: { "X-Auth-Token": token, ...json, ...headers } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const r = await fetch(`${authUrl}${path}`, init);
    const text = await r.text();
    if (r.status >= 300)
      throw new Error(`Keystone admin ${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    call,
    // Only needed when the port changed after bootstrap: the identity URLs must name the real port.
    fixIdentityEndpoints: async (url) => {
      const { endpoints } = await call<{ endpoints: { id: string; url: string }[] }>("GET", "/endpoints");
      for (const ep of endpoints.filter((e) => e.url.endsWith("/v3") && e.url !== url)) {
        await call("PATCH", `/endpoints/${ep.id}`, { endpoint: { url } });
      }
    },
  };
}

async function seedCatalog(admin: AdminSession, urls: ComputeUrls) {
  const id = async (path: string, key: string, body: Record<string, unknown>): Promise<string> =>
    (await admin.call<Record<string, { id: string }>>("POST", path, { [key]: body }))[key]!.id;
  for (const region of ["region0", "region1"]) await id("/regions", "region", { id: region });
  const serviceId = await id("/services", "service", { type: "compute_v2", name: "region2", enabled: true });
  const endpointIds = {} as Record<ComputeUrlKey, string>;
  for (const key of Object.keys(urls) as ComputeUrlKey[]) {
    const [, region, iface] = /^(region\d)(Public|Internal)$/.exec(key) ?? [];
    const ep = { service_id: serviceId, region_id: region, interface: iface?.toLowerCase(), url: urls[key] };
    endpointIds[key] = await id("/endpoints", "endpoint", ep);
  }
  const dom2 = await id("/domains", "domain", { name: "dom2" });
  const proj2 = await id("/projects", "project", { name: "proj2", domain_id: dom2 });
  const demoProj = await id("/projects", "project", { name: "demo-proj", domain_id: "default" });
  const demo = await id("/users", "user", { name: "demo", domain_id: "default", password: DEMO_PASSWORD });
  const { roles } = await admin.call<{ roles: { id: string }[] }>("GET", "/roles?name=member");
  const member = roles[0]?.id;
  if (!member) throw new Error("Keystone bootstrap created no `member` role");
  for (const target of [`/projects/${demoProj}`, `/projects/${proj2}`, `/domains/${dom2}`]) {
    await admin.call("PUT", `${target}/users/${demo}/roles/${member}`);
  }
  return {
    regions: ["region0", "region1"] as const,
    compute: { serviceId, type: "compute_v2" as const, name: "region2" as const, urls: { ...urls } },
    endpointIds,
    defaultDomain: { id: "default", name: "Default" } as const,
    dom2: { id: dom2, name: "dom2" as const },
    demoProj: { id: demoProj, name: "demo-proj" as const },
    proj2: { id: proj2, name: "proj2" as const },
    demo: { id: demo, name: "demo" as const, password: DEMO_PASSWORD },
  };
}
