// The file token cache across real processes: a second process adopts the first one's token instead of
// logging in, and processes racing on an empty cache all succeed and leave one whole entry behind.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { tokenFixture } from "../fixtures/token.js";

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL("./token-cache-child.ts", import.meta.url));
let server: Server;
let authUrl: string;
let dir: string;
let logins = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cpsdk-cache-proc-"));
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      logins++;
      const t = tokenFixture({ token: `proc-token-${logins}`.padEnd(64, "0"), issuedAt: Date.now() });
      // A slow keystone widens the window in which racing processes all miss the cache.
      setTimeout(() => res.writeHead(200, t.headers).end(t.text), 100);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  authUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

const child = async (cache: string) =>
  (await run(process.execPath, ["--import", "tsx", CHILD, authUrl, cache], { timeout: 20_000 })).stdout;

it("a second process reuses the first one's token", async () => {
  const cache = join(dir, "seq");
  const a = await child(cache);
  const b = await child(cache);
  expect(a).toMatch(/^proc-token-/);
  expect(b).toBe(a);
  expect(logins).toBe(1);
});

it("processes racing on an empty cache all get a token and leave one whole entry", async () => {
  const cache = join(dir, "race");
  const before = logins;
  const tokens = await Promise.all([child(cache), child(cache), child(cache)]);
  for (const t of tokens) expect(t).toMatch(/^proc-token-/);
  expect(logins - before).toBeGreaterThanOrEqual(1);
  expect(logins - before).toBeLessThanOrEqual(3);
  const files = await readdir(cache);
  expect(files).toHaveLength(1); // no temporary files left behind
  const entry = JSON.parse(await readFile(join(cache, files[0]!), "utf8")) as { token: string };
  expect(tokens).toContain(entry.token);
  // A process started after the race adopts the surviving entry.
  expect(await child(cache)).toBe(entry.token);
});
