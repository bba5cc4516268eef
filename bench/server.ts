// Starts bench/server-child.ts in a child process (its CPU must not count against the client under test) and
// talks to it over IPC. One server serves every client benchmark; stop() ends it by its PID.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";

export type ControlRequest = { id: number; type: "logins" } | { id: number; type: "clock"; offsetMs: number };
export interface ControlReply {
  id: number;
  logins: number;
}

export interface BenchServer {
  /** http://127.0.0.1:<port>; Keystone is at `${url}/v3`, compute at `${url}` (the catalog says so). */
  url: string;
  pid: number;
  password: string;
  /** Logins answered since the server started. */
  logins(): Promise<number>;
  /** Shifts the server's clock (token issued_at/expires_at) by offsetMs from real time. */
  setClock(offsetMs: number): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  /** Token lifetime; default one hour. */
  tokenLifetimeMs?: number;
  /** Give up waiting for the child to listen or answer after this; default 15 000 ms. */
  timeoutMs?: number;
}

const PASSWORD = "bench-password";

/** The GET /servers answer: a Cloudpods list envelope of four servers, about 1 KB of JSON. */
export function serversBody(): string {
  const server = (i: number) => ({
    id: `8a3c1f0e-4b2d-4c7e-9f61-${String(i).padStart(12, "0")}`,
    name: `bench-vm-${i}`,
    status: "running",
    hypervisor: "kvm",
    vcpu_count: 2,
    vmem_size: 4096,
    zone_id: "zone0",
    host_id: "c0ffee00-host-0000-0000-000000000001",
    created_at: "2026-11-20T08:00:00.000000Z",
  });
  return JSON.stringify({ servers: [0, 1, 2, 3].map(server), total: 4, limit: 20, offset: 0 });
}

export async function startBenchServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const child = fork(path.join(import.meta.dirname, "server-child.ts"), [], {
    // The child is TypeScript too: load tsx explicitly instead of inheriting whatever loader the parent has.
    execArgv: ["--import", import.meta.resolve("tsx")],
    env: {
      ...process.env,
      BENCH_TOKEN_LIFETIME_MS: String(options.tokenLifetimeMs ?? 3_600_000),
      BENCH_PASSWORD: PASSWORD,
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("bench server: fork failed");
  let port: number;
  try {
    port = await waitFor(child, timeoutMs, (m) => (m as { ready?: number }).ready);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }

  let nextId = 0;
  const ask = async (req: ControlRequest): Promise<ControlReply> => {
    child.send(req);
    return waitFor(child, timeoutMs, (m) =>
      (m as ControlReply).id === req.id ? (m as ControlReply) : undefined,
    );
  };
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    password: PASSWORD,
    logins: async () => (await ask({ id: nextId++, type: "logins" })).logins,
    setClock: async (offsetMs) => void (await ask({ id: nextId++, type: "clock", offsetMs })),
    stop: () => stopPid(child, pid),
  };
}

/** Resolves with the first IPC message `pick` accepts; rejects on exit or after timeoutMs. */
function waitFor<T>(child: ChildProcess, timeoutMs: number, pick: (m: unknown) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    const onMessage = (m: unknown): void => {
      const v = pick(m);
      if (v === undefined) return;
      done();
      resolve(v);
    };
    const onExit = (code: number | null): void => {
      done();
      reject(new Error(`bench server exited (code ${code})`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`bench server: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

async function stopPid(child: ChildProcess, pid: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(pid, "SIGTERM");
  const timer = setTimeout(() => child.exitCode === null && process.kill(pid, "SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
