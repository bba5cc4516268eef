// What a fresh process pays before its first answer: the undici modules the Node transport loads, and the
// connections the login and the first GET use.
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCloudpods } from "../../src/index.js";
import { service, tokenFixture } from "../fixtures/token.js";

const root = path.resolve(import.meta.dirname, "../..");

describe("cold start", () => {
  let connections = 0;
  let base = "";
  const server = createServer({ keepAlive: true }, (req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST") {
        const t = tokenFixture({ issuedAt: Date.now(), catalog: [service("compute_v2", { public: base })] });
        res.writeHead(200, { ...t.headers, "Content-Length": Buffer.byteLength(t.text) });
        return res.end(t.text);
      }
      const body = '{"servers":[]}';
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.on("connection", () => connections++);
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("sends the first GET on the login's connection", async () => {
    const cp = createCloudpods({
      authUrl: `${base}/v3`,
      credentials: { username: "u", password: "p", domain: "Default" },
      project: { name: "system", domain: "Default" },
    });
    try {
      const { response } = await cp.compute.GET("/servers");
      expect(response.status).toBe(200);
      expect(connections).toBe(1);
    } finally {
      await cp.close();
    }
  });

  it("loads undici's Agent and request API only, not its index", async () => {
    const script = [
      `import { createRequire } from "node:module";`,
      `const { createNodeTransport } = await import("./src/transport-node.ts");`,
      `await createNodeTransport().close();`,
      `const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("/undici/"));`,
      `console.log(JSON.stringify(loaded.map((k) => k.slice(k.lastIndexOf("/undici/") + 8))));`,
    ].join("\n");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { cwd: root, timeout: 60_000 },
    );
    const loaded = JSON.parse(stdout) as string[];
    expect(loaded).toContain("lib/dispatcher/agent.js");
    expect(loaded).toContain("lib/api/api-request.js");
    expect(loaded).not.toContain("index.js");
    expect(loaded.filter((m) => m.startsWith("lib/web/fetch/"))).toEqual([]);
  });
});
