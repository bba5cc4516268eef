// Runs Prism (request validation on, --errors) on one of our specs, behind a small recording proxy so a
// test can list every request Prism saw and the status it gave. A 422 means our client sent something the
// spec forbids.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { followUntil } from "./readiness.js";

const STOP_GRACE_MS = 5_000;
const BODY_KEEP = 2_000;

export interface PrismRequest {
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  status: number;
  /** Kept for answers >= 400, so a failing assertion can say what Prism objected to. */
  responseBody?: string;
  /**
   * Prism's `sl-violations` header. Prism answers an invalid request with the spec's own 422/400/default
   * response when there is one, so the status alone does not reveal a violation; this header always does.
   */
  violations?: string;
}

export interface PrismHandle {
  /** The recording proxy in front of Prism: point the catalog here. */
  baseUrl: string;
  pid: number;
  requests: PrismRequest[];
  /** Requests that broke the spec: a violation header, a 422, or a 5xx (--errors turns response violations into 500). */
  violations(): PrismRequest[];
  stop(): Promise<void>;
}

function prismEntry(): string {
  const pkg = createRequire(import.meta.url).resolve("@stoplight/prism-cli/package.json");
  return join(dirname(pkg), "dist", "index.js");
}

const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, "");

/** Until Prism prints its port, for as long as it makes progress (see readiness.ts). */
function waitListening(child: ChildProcess, output: () => string): Promise<string> {
  const listening = async (): Promise<string | undefined> =>
    /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stripAnsi(output()))?.[1];
  return followUntil({ name: "Prism", child, log: () => stripAnsi(output()) }, listening);
}

function startProxy(target: URL, requests: PrismRequest[]): Promise<Server> {
  const server = createServer({ noDelay: true }, (req, res) => {
    const headers = { ...req.headers, host: target.host };
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (up: IncomingMessage) => {
        const entry: PrismRequest = {
          method: req.method ?? "",
          url: req.url ?? "",
          status: up.statusCode ?? 0,
        };
        const violations = up.headers["sl-violations"];
        if (typeof violations === "string") entry.violations = violations;
        requests.push(entry);
        const chunks: Buffer[] = [];
        up.on("data", (c: Buffer) => chunks.push(c));
        up.on("end", () => {
          const body = Buffer.concat(chunks);
          if (entry.status >= 400) entry.responseBody = body.toString("utf8").slice(0, BODY_KEEP);
          res.writeHead(entry.status, up.headers);
          res.end(body);
        });
      },
    );
    upstream.on("error", (err) => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", status: 502, responseBody: err.message });
      res.writeHead(502).end(err.message);
    });
    req.pipe(upstream);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), STOP_GRACE_MS)));
  if ((await Promise.race([exited, grace])) === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
  clearTimeout(timer);
}

export async function startPrism(specPath: string): Promise<PrismHandle> {
  if (!existsSync(specPath)) throw new Error(`Prism: spec not found: ${specPath}`);
  // Prism hot-reloads its document on change and comes back on a NEW port; a frozen copy of the spec's
  // folder (its $refs are relative) keeps an edit made during the run from moving the server.
  const dir = await mkdtemp(join(tmpdir(), "cloudpods-prism-"));
  await cp(dirname(specPath), dir, { recursive: true });
  // Port 0: Prism prints the port it got, so there is no race for a "free" port. No multiprocess mode
  // (NODE_ENV=production turns it on), so the PID we stop is the server.
  const args = [prismEntry(), "mock", join(dir, basename(specPath)), "--host", "127.0.0.1", "--port", "0"];
  args.push("--errors", "--multiprocess=false");
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env } });
  let output = "";
  const collect = (c: Buffer): void => {
    // Keep the head (listen line) and a bounded tail; Prism logs every request.
    output = output.length > 200_000 ? output.slice(0, 20_000) + output.slice(-100_000) : output;
    output += c.toString("utf8");
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const killOnExit = (): void => void child.kill("SIGKILL");
  process.once("exit", killOnExit);
  let proxy: Server | undefined;
  const cleanup = async (): Promise<void> => {
    await stopChild(child);
    process.removeListener("exit", killOnExit);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const prismUrl = await waitListening(child, () => output);
    const requests: PrismRequest[] = [];
    proxy = await startProxy(new URL(prismUrl), requests);
    const addr = proxy.address();
    if (typeof addr !== "object" || !addr) throw new Error("proxy has no address");
    const running = proxy;
    return {
      baseUrl: `http://127.0.0.1:${addr.port}`,
      pid: child.pid ?? -1,
      requests,
      violations: () =>
        requests.filter((r) => r.violations !== undefined || r.status === 422 || r.status >= 500),
      stop: async () => {
        running.closeAllConnections();
        await new Promise<void>((r) => running.close(() => r()));
        await cleanup();
      },
    };
  } catch (err) {
    proxy?.close();
    await cleanup();
    throw err;
  }
}
