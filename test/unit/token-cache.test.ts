import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KeystoneAuth, type KeystoneAuthOptions } from "../../src/auth/keystone.js";
import { defaultTokenCacheDir, fileTokenCache } from "../../src/auth/token-cache.js";
import { tokenFixture } from "../fixtures/token.js";

const AUTH_URL = "https://ks.test:30500/v3";
const PASSWORD = "pw-Very-Secret-42";
const SECRET = "U2pZV1JqcmtNMlhTZmdTa0FOU3ljamp0ZFhuMmp1RzM=";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cpsdk-cache-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A keystone that issues token-1, token-2, ... and echoes an AK/SK secret the way Cloudpods does. */
function keystone(now = Date.now()) {
  const logins: string[] = [];
  const fetch = async (req: Request) => {
    logins.push(await req.text());
    const t = tokenFixture({
      token: `token-${logins.length}`.padEnd(64, "0"),
      issuedAt: now,
      extra: { access_key: { access_key: "ak1", secret: SECRET } },
    });
    return t.response();
  };
  return { fetch, logins };
}

const make = (o: Partial<KeystoneAuthOptions> & Pick<KeystoneAuthOptions, "fetch">) =>
  new KeystoneAuth({
    authUrl: AUTH_URL,
    credentials: { username: "sysadmin", password: PASSWORD },
    project: { name: "system" },
    tokenCache: fileTokenCache(join(dir, "tokens")),
    ...o,
  });

describe("fileTokenCache", () => {
  it("shares one login between clients, in 0600 files of a 0700 directory, without the password", async () => {
    const k = keystone();
    const a = await make({ fetch: k.fetch }).getAccess();
    const b = await make({ fetch: k.fetch }).getAccess();
    expect(k.logins).toHaveLength(1);
    expect(b.token).toBe(a.token);
    expect(b.user.name).toBe("sysadmin");
    const files = await readdir(join(dir, "tokens"));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    const file = join(dir, "tokens", files[0]!);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "tokens"))).mode & 0o777).toBe(0o700);
    const text = await readFile(file, "utf8");
    expect(text).toContain(a.token);
    expect(text).not.toContain(PASSWORD);
    // The AK/SK echo in the login body is dropped before writing.
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("access_key");
  });

  it("keys by auth URL, identity and scope", async () => {
    const k = keystone();
    await make({ fetch: k.fetch }).getAccess();
    await make({ fetch: k.fetch, project: { name: "other" } }).getAccess();
    await make({ fetch: k.fetch, authUrl: "https://ks2.test/v3" }).getAccess();
    await make({ fetch: k.fetch, credentials: { username: "bob", password: PASSWORD } }).getAccess();
    await make({ fetch: k.fetch, credentials: { accessKey: "ak1", secret: SECRET } }).getAccess();
    await make({ fetch: k.fetch, credentials: { accessKey: "ak1", secret: SECRET } }).getAccess();
    expect(k.logins).toHaveLength(5);
    expect(await readdir(join(dir, "tokens"))).toHaveLength(5);
    for (const f of await readdir(join(dir, "tokens"))) {
      expect(await readFile(join(dir, "tokens", f), "utf8")).not.toContain(SECRET);
    }
  });

  it("honours the refresh margin: a token about to expire is not adopted", async () => {
    const k = keystone();
    await make({ fetch: k.fetch }).getAccess();
    // 24 h tokens; a margin of 12 h caps at half the lifetime, so 13 h later the entry is stale.
    const later = Date.now() + 13 * 3_600_000;
    await make({ fetch: k.fetch, now: () => later, refreshMarginMs: 12 * 3_600_000 }).getAccess();
    expect(k.logins).toHaveLength(2);
  });

  it("ignores a corrupt entry with a debug line, then replaces it", async () => {
    const k = keystone();
    await make({ fetch: k.fetch }).getAccess();
    const [f] = await readdir(join(dir, "tokens"));
    const file = join(dir, "tokens", f!);
    for (const junk of [
      "{not json",
      JSON.stringify({ v: 1, token: "x" }),
      JSON.stringify({ v: 1, token: "t", body: "{}", expireAt: Date.now() + 1e9, lifetimeMs: 1e9 }),
    ]) {
      await writeFile(file, junk);
      const debug: string[] = [];
      const got = await make({ fetch: k.fetch, onDebug: (l) => debug.push(l) }).getAccess();
      expect(got.token).toMatch(/^token-/);
      expect(debug.join("\n")).toMatch(/token cache: (ignoring corrupt entry|entry stale or unreadable)/);
      expect(debug.join("\n")).not.toContain(PASSWORD);
    }
    expect(k.logins).toHaveLength(4);
    expect(JSON.parse(await readFile(file, "utf8")).token).toBe(`token-4`.padEnd(64, "0"));
  });

  it("removes an invalidated token, so neither this client nor the next adopts it again", async () => {
    const k = keystone();
    const auth = make({ fetch: k.fetch });
    const first = await auth.getAccess();
    auth.invalidate(first);
    const second = await auth.getAccess();
    expect(second.token).not.toBe(first.token);
    expect(k.logins).toHaveLength(2);
    const third = await make({ fetch: k.fetch }).getAccess();
    expect(third.token).toBe(second.token);
    expect(k.logins).toHaveLength(2);
  });

  it("treats an unwritable directory as a miss, never an error", async () => {
    const k = keystone();
    await writeFile(join(dir, "file"), "");
    const debug: string[] = [];
    const auth = make({
      fetch: k.fetch,
      tokenCache: fileTokenCache(join(dir, "file", "sub")),
      onDebug: (l) => debug.push(l),
    });
    await expect(auth.getAccess()).resolves.toMatchObject({ user: { name: "sysadmin" } });
    expect(debug.join("\n")).toMatch(/cannot write/);
  });

  it("lives under XDG_CACHE_HOME or ~/.cache by default", () => {
    expect(defaultTokenCacheDir({ XDG_CACHE_HOME: "/x" })).toBe("/x/cloudpods-sdk/tokens");
    expect(defaultTokenCacheDir({})).toMatch(/\.cache\/cloudpods-sdk\/tokens$/);
  });
});
