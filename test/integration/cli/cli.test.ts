import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { cloudpodsError, json, type FaultServer, type Reply } from "../fault-server.js";
import { cli, loginRoute, osEnv, PASSWORD, startCloud } from "./harness.js";

let server: FaultServer;
let env: Record<string, string>;
let dir: string;
/** Full request URLs (with query) seen by `seen`-wrapped routes. */
const urls: string[] = [];
const seen =
  (reply: Reply): Reply =>
  (ctx) => {
    urls.push(ctx.req.url ?? "");
    reply(ctx);
  };

const SERVERS = [
  { id: "a1", name: "vm1", status: "running", vcpu_count: 2, nested: { x: 1 } },
  { id: "b2", name: "vm2", status: "ready", vcpu_count: 4 },
];

beforeAll(async () => {
  server = await startCloud();
  env = osEnv(server);
  dir = mkdtempSync(join(tmpdir(), "cloudpods-cli-"));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  urls.length = 0;
  server.script({
    "POST /v3/auth/tokens": loginRoute(server),
    "GET /servers": seen(json(200, { servers: SERVERS, total: 2, limit: 20 })),
    "GET /servers/a1": json(200, { server: SERVERS[0] }),
    "GET /servers/nope": cloudpodsError(404, "ResourceNotFoundError", "server nope not found", "req-42"),
  });
});

const bodyOf = (method: string, path: string): unknown => {
  const r = server.requests.find((x) => x.method === method && x.path === path);
  return r ? JSON.parse(r.body.toString("utf8")) : undefined;
};

describe("cloudpods: commands from the specs", { timeout: 120_000 }, () => {
  it("server-list prints a table, sends repeated query keys", async () => {
    const r = await cli(
      ["server-list", "--status", "running", "--status", "ready", "--limit", "10", "--details", "false"],
      env,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/id\s*│\s*name\s*│\s*status/);
    expect(r.stdout).toContain("vm2");
    expect(r.stdout).toContain("***  Total: 2  ***");
    expect(urls[0]).toBe("/servers?limit=10&details=false&status=running&status=ready");
  });

  it("server-show <id> prints the unwrapped object as json, yaml and kv", async () => {
    const j = await cli(["server-show", "a1", "--output", "json"], env);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual(SERVERS[0]);
    const y = await cli(["-o", "yaml", "server-show", "a1"], env);
    expect(parseYaml(y.stdout)).toEqual(SERVERS[0]);
    const kv = await cli(["server-show", "a1"], { ...env, CLIMC_OUTPUT_FORMAT: "kv" });
    expect(kv.stdout).toContain("name: vm1\n");
    expect(kv.stdout).toContain('nested: {"x":1}\n');
    const t = await cli(["server-show", "a1"], env);
    expect(t.stdout).toMatch(/Field\s*│\s*Value/);
  });

  it("server-list --output json is the items array (jq-ready); --all follows pages", async () => {
    server.script({
      "POST /v3/auth/tokens": loginRoute(server),
      "GET /servers": [
        seen(json(200, { servers: SERVERS, total: 3, limit: 2 })),
        seen(json(200, { servers: [{ id: "c3", name: "vm3" }], total: 3, limit: 2, offset: 2 })),
      ],
    });
    const r = await cli(["server-list", "--all", "--limit", "2", "-o", "json"], env);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((s) => s.id)).toEqual(["a1", "b2", "c3"]);
    expect(urls).toEqual(["/servers?limit=2", "/servers?limit=2&offset=2"]);
  });

  it("server-create sends body flags inside the wrapper and top-level fields beside it", async () => {
    server.script({
      "POST /v3/auth/tokens": loginRoute(server),
      "POST /servers": json(200, { server: { id: "n1", name: "web", status: "init" } }),
    });
    const r = await cli(
      [
        "server-create",
        "--name",
        "web",
        "--vcpu-count",
        "2",
        "--count",
        "1",
        "--body-json",
        '{"hypervisor":"kvm"}',
      ],
      env,
    );
    expect(r.code).toBe(0);
    expect(bodyOf("POST", "/servers")).toEqual({
      server: { hypervisor: "kvm", name: "web", vcpu_count: 2 },
      count: 1,
    });
  });

  it("an action and a delete address the item by its positional id", async () => {
    server.script({
      "POST /v3/auth/tokens": loginRoute(server),
      "POST /servers/a1/change-config": json(200, { server: SERVERS[0] }),
      "DELETE /servers/a1": json(200, { server: { ...SERVERS[0], status: "deleting" } }),
    });
    const a = await cli(["server-change-config", "a1", "--vcpu-count", "8"], env);
    expect(a.code).toBe(0);
    expect(bodyOf("POST", "/servers/a1/change-config")).toEqual({ server: { vcpu_count: 8 } });
    const d = await cli(["server-delete", "a1", "-o", "json"], env);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout)).toMatchObject({ status: "deleting" });
  });

  it("identity commands take every path parameter in order", async () => {
    server.script({
      "POST /v3/auth/tokens": loginRoute(server),
      "PUT /v3/projects/p1/users/u1/roles/r1": json(200, {}),
    });
    const r = await cli(["project-add-user", "p1", "u1", "r1"], env);
    expect(r.code).toBe(0);
    expect(server.count("PUT", "/v3/projects/p1/users/u1/roles/r1")).toBe(1);
  });
});

describe("cloudpods: errors and exit codes", { timeout: 120_000 }, () => {
  it("an unknown id exits 1 with class, details and request id, and no stack", async () => {
    const r = await cli(["server-show", "nope"], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("class:      ResourceNotFoundError");
    expect(r.stderr).toContain("details:    server nope not found");
    expect(r.stderr).toContain("request id: req-42");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a bad flag or command exits 2 with the closest one suggested", async () => {
    const f = await cli(["server-list", "--limt", "3"], env);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain("Did you mean --limit?");
    const c = await cli(["server-lst"], env);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("Did you mean server-list?");
    const v = await cli(["server-list", "--limit", "ten"], env);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain("expected an integer");
    const e = await cli(["server-list", "--order", "up"], env);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain("expected one of asc, desc");
    expect(server.requests).toHaveLength(0);
  });

  it("missing credentials are a usage error naming the variables", async () => {
    const r = await cli(["server-list"], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("OS_AUTH_URL is missing");
  });

  it("--debug prints curl lines and a stack, never the token or the password", async () => {
    const r = await cli(["--debug", "server-show", "nope"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("curl -v -X POST");
    expect(r.stderr).toContain("curl -v -X GET");
    expect(r.stderr).toMatch(/\n\s+at /);
    expect(server.issued.length).toBeGreaterThan(0);
    for (const t of server.issued) expect(r.stderr + r.stdout).not.toContain(t);
    expect(r.stderr + r.stdout).not.toContain(PASSWORD);
  });
});

describe("cloudpods: auth, wait, access keys, help, completion", { timeout: 120_000 }, () => {
  it("--rc reads an openrc file and --os-* flags win over it", async () => {
    const rc = join(dir, "openrc");
    writeFileSync(
      rc,
      `export OS_AUTH_URL=${server.authUrl}\nexport OS_USERNAME='nobody'\nexport OS_PASSWORD="${PASSWORD}"\n`,
    );
    const r = await cli(["--rc", rc, "--os-username", "sysadmin", "server-show", "a1", "-o", "json"], {});
    expect(r.code).toBe(0);
    const loginBody = bodyOf("POST", "/v3/auth/tokens") as {
      auth: { identity: { password: { user: { name: string } } } };
    };
    expect(loginBody.auth.identity.password.user.name).toBe("sysadmin");
    const bad = join(dir, "bad-openrc");
    writeFileSync(bad, `export OS_AUTH_URL=${server.authUrl}\nexport OS_PASSWORD=two words\n`);
    const b = await cli(["--rc", bad, "server-list"], {});
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(`${bad}:2: OS_PASSWORD`);
    expect(b.stderr).not.toContain("two words");
  });

  it("caches the token across commands: the second one does not log in", async () => {
    const cache = join(dir, "cache");
    const first = await cli(["server-show", "a1", "-o", "json"], { ...env, XDG_CACHE_HOME: cache });
    expect(first.code).toBe(0);
    const second = await cli(["--debug", "server-show", "a1", "-o", "json"], {
      ...env,
      XDG_CACHE_HOME: cache,
    });
    expect(second.code).toBe(0);
    expect(server.count("POST", "/v3/auth/tokens")).toBe(1);
    expect(server.count("GET", "/servers/a1")).toBe(2);
    expect(second.stderr).not.toContain("curl -v -X POST");
    const fresh = await cli(["--no-token-cache", "server-show", "a1"], { ...env, XDG_CACHE_HOME: cache });
    expect(fresh.code).toBe(0);
    expect(server.count("POST", "/v3/auth/tokens")).toBe(2);
  });

  it("--wait polls until the steady status, one plain line per status off a TTY", async () => {
    server.script({
      "POST /v3/auth/tokens": loginRoute(server),
      "POST /servers/a1/start": json(200, { server: { id: "a1", status: "starting" } }),
      "GET /servers/a1": [
        json(200, { server: { id: "a1", status: "starting" } }),
        json(200, { server: { id: "a1", status: "running", name: "vm1" } }),
      ],
    });
    const r = await cli(["server-start", "a1", "--wait", "-o", "json"], {
      ...env,
      CLOUDPODS_WAIT_INTERVAL_MS: "5",
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "running" });
    expect(r.stderr).toBe("server a1: starting\nserver a1: running\n");
  });

  it("--wait on delete waits for a 404; a *_fail status exits 1", async () => {
    server.script({
      "POST /v3/auth/tokens": loginRoute(server),
      "DELETE /servers/a1": json(200, { server: { id: "a1", status: "deleting" } }),
      "GET /servers/a1": [
        json(200, { server: { status: "deleting" } }),
        cloudpodsError(404, "ResourceNotFoundError", "gone"),
      ],
      "POST /servers/b2/stop": json(200, { server: { id: "b2", status: "stopping" } }),
      "GET /servers/b2": json(200, { server: { id: "b2", status: "stop_fail" } }),
    });
    const d = await cli(["server-delete", "a1", "--wait"], { ...env, CLOUDPODS_WAIT_INTERVAL_MS: "5" });
    expect(d.code).toBe(0);
    expect(d.stderr).toContain("server a1: deleted");
    const s = await cli(["server-stop", "b2", "--wait"], { ...env, CLOUDPODS_WAIT_INTERVAL_MS: "5" });
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('server b2: status "stop_fail"');
  });

  it("credential-create-aksk prints the key and the secret it registered", async () => {
    server.script({
      "POST /v3/auth/tokens": loginRoute(server),
      "POST /v3/credentials": json(200, { credential: { id: "ak-123", type: "aksk", project_id: "p" } }),
    });
    const r = await cli(["credential-create-aksk", "-o", "json"], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { access_key: string; secret: string };
    expect(out.access_key).toBe("ak-123");
    const sent = bodyOf("POST", "/v3/credentials") as { credential: { type: string; blob: string } };
    expect(sent.credential.type).toBe("aksk");
    expect(JSON.parse(sent.credential.blob)).toEqual({ expire: 0, secret: out.secret });
    expect(out.secret.length).toBeGreaterThanOrEqual(32);
  });

  it("help comes from the spec; completion scripts and candidates come from the command table", async () => {
    const h = await cli(["help", "server-change-config"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("Change a server's CPU, memory or disks");
    expect(h.stdout).toContain("--vcpu-count <n>");
    const all = await cli(["--help"]);
    expect(all.stdout).toContain("server-list");
    expect(all.stdout).toContain("project-add-user");
    const b = await cli(["completion", "bash"]);
    expect(b.stdout).toContain("complete -o default -F _cloudpods_complete cloudpods");
    const z = await cli(["completion", "zsh"]);
    expect(z.stdout).toContain("compdef _cloudpods cloudpods");
    const c = await cli(["__complete", "server-li"]);
    expect(c.stdout.split("\n")).toContain("server-list");
    const f = await cli(["__complete", "server-list", "--ord"]);
    expect(f.stdout.split("\n")).toEqual(expect.arrayContaining(["--order", "--order-by"]));
  });
});

describe("cloudpods: the image service (bytes and header fields)", { timeout: 120_000 }, () => {
  it("image-show reads the HEAD headers; image-create uploads --file with header flags; image-download saves", async () => {
    const file = join(dir, "disk.qcow2");
    writeFileSync(file, Buffer.from([0x51, 0x46, 0x49, 0xfb, 0, 1, 2, 3]));
    const meta = {
      "x-image-meta-id": "img1",
      "x-image-meta-name": "cirros",
      "x-image-meta-status": "active",
    };
    server.script({
      "POST /v3/auth/tokens": loginRoute(server),
      "HEAD /img/v1/images/img1": ({ res }) => res.writeHead(200, { ...meta, "content-length": "0" }).end(),
      "POST /img/v1/images": json(200, { image: { id: "img2", name: "up", status: "active" } }),
      "GET /img/v1/images/img1": ({ res }) =>
        res
          .writeHead(200, { "content-type": "application/octet-stream", "content-length": "3" })
          .end(Buffer.from("abc")),
    });
    const show = await cli(["image-show", "img1", "-o", "json"], env);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toEqual({ id: "img1", name: "cirros", status: "active" });

    const up = await cli(["image-create", "--name", "up", "--disk-format", "qcow2", "--file", file], env);
    expect(up.code).toBe(0);
    const sent = server.requests.find((r) => r.method === "POST" && r.path === "/img/v1/images");
    expect(sent?.headers["x-image-meta-name"]).toBe("up");
    expect(sent?.headers["content-type"]).toBe("application/octet-stream");
    expect([...(sent?.body ?? [])]).toEqual([0x51, 0x46, 0x49, 0xfb, 0, 1, 2, 3]);

    const saved = join(dir, "out.bin");
    const down = await cli(["image-download", "img1", "--save", saved], env);
    expect(down.code).toBe(0);
    expect(readFileSync(saved, "utf8")).toBe("abc");
    const piped = await cli(["image-download", "img1"], env);
    expect(piped.stdout).toBe("abc");
  });
});
