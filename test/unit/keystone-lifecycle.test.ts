// KeystoneAuth's token lifecycle: cache and early refresh anchored to the local clock, single flight,
// fallback to a still-valid token, invalidate(failed), the login-failure cool-down and secrets(). The clock
// and the transport are injected.
import { describe, expect, it } from "vitest";
import { KeystoneAuth, type KeystoneAuthOptions } from "../../src/auth/keystone.js";
import { AuthenticationError, HttpError } from "../../src/errors.js";
import { DAY_MS, FIXTURE_NOW, tokenFixture } from "../fixtures/token.js";

/** A fake transport: counts requests and answers with `respond` (default: a fresh token fixture). */
function transport(respond: (n: number) => Response | Promise<Response> = () => tokenFixture().response()) {
  const sent: Request[] = [];
  const fetch = async (req: Request): Promise<Response> => (sent.push(req), respond(sent.length));
  return { fetch, sent };
}

function auth(o: Partial<KeystoneAuthOptions> & Pick<KeystoneAuthOptions, "fetch">) {
  return new KeystoneAuth({
    authUrl: "https://10.127.100.2:30500/v3",
    credentials: { username: "u", password: "p" },
    now: () => FIXTURE_NOW,
    ...o,
  });
}

const unavailable = () => new Response('{"class":"ServiceUnavailable","code":503}', { status: 503 });
const wrongPassword = () =>
  new Response('{"class":"WrongPassword","code":401,"details":"wrong password"}', { status: 401 });

describe("KeystoneAuth: cache, refresh margin, single flight, invalidate", () => {
  const expiresAt = FIXTURE_NOW + DAY_MS;

  it.each([
    ["default 120 s", undefined, 120_000],
    ["refreshMarginMs", 600_000, 600_000],
  ])("reuses the token until it expires within the margin (%s)", async (_, refreshMarginMs, margin) => {
    let now = FIXTURE_NOW;
    const t = transport();
    const a = auth({ fetch: t.fetch, now: () => now, refreshMarginMs });
    const first = await a.getAccess();
    now = expiresAt - margin - 1;
    expect(await a.getAccess()).toBe(first);
    expect(t.sent).toHaveLength(1);
    now = expiresAt - margin;
    await a.getAccess();
    expect(t.sent).toHaveLength(2);
  });

  it("caps the margin at half the token lifetime, so a 60 s token is not re-fetched on every call", async () => {
    let now = FIXTURE_NOW;
    const t = transport(() => tokenFixture({ issuedAt: now, expiresAt: now + 60_000 }).response());
    const a = auth({ fetch: t.fetch, now: () => now });
    await a.getAccess();
    now += 29_999;
    await a.getAccess();
    expect(t.sent).toHaveLength(1);
    now += 1;
    await a.getAccess();
    expect(t.sent).toHaveLength(2);
  });

  it("N concurrent callers share ONE login", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = transport(async () => (await gate, tokenFixture().response()));
    const a = auth({ fetch: t.fetch });
    const all = Promise.all(Array.from({ length: 25 }, () => a.getAccess()));
    release();
    const got = await all;
    expect(t.sent).toHaveLength(1);
    expect(new Set(got).size).toBe(1);
  });

  it("invalidate() forces a new login", async () => {
    const t = transport((n) => tokenFixture({ token: `tok${n}` }).response());
    const a = auth({ fetch: t.fetch });
    expect((await a.getAccess()).token).toBe("tok1");
    a.invalidate();
    expect((await a.getAccess()).token).toBe("tok2");
    expect(t.sent).toHaveLength(2);
  });

  it("invalidate() during a login joins that login instead of starting another (documented choice)", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = transport(async (n) => (await gate, tokenFixture({ token: `tok${n}` }).response()));
    const a = auth({ fetch: t.fetch });
    const p1 = a.getAccess();
    a.invalidate();
    const p2 = a.getAccess();
    release();
    expect((await p1).token).toBe("tok1");
    expect((await p2).token).toBe("tok1");
    expect((await a.getAccess()).token).toBe("tok1");
    expect(t.sent).toHaveLength(1);
  });

  it("a failed login rejects every waiter and is not cached", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = transport(async (n) =>
      n === 1 ? (await gate, new Response("upstream down", { status: 503 })) : tokenFixture().response(),
    );
    const a = auth({ fetch: t.fetch });
    const waiters = Array.from({ length: 5 }, () => a.getAccess().catch((e: unknown) => e));
    release();
    const errors = await Promise.all(waiters);
    expect(new Set(errors).size).toBe(1);
    expect(errors[0]).toBeInstanceOf(HttpError);
    expect(t.sent).toHaveLength(1);
    expect((await a.getAccess()).token).toBe(tokenFixture().token);
    expect(t.sent).toHaveLength(2);
  });

  it("a transport failure rejects and is not cached either", async () => {
    const t = transport((n) => {
      if (n === 1) throw new TypeError("fetch failed");
      return tokenFixture().response();
    });
    const a = auth({ fetch: t.fetch });
    await expect(a.getAccess()).rejects.toThrowError("fetch failed");
    await expect(a.getAccess()).resolves.toMatchObject({ token: tokenFixture().token });
  });
});

describe("KeystoneAuth: token times anchored to the local clock", () => {
  it.each([
    ["2 days ahead of", 2 * DAY_MS],
    ["1 day behind", -DAY_MS],
  ])("a client clock %s keystone: one login per lifetime, refreshed by local time", async (_, skew) => {
    const start = FIXTURE_NOW + skew;
    let now = start;
    const t = transport();
    const a = auth({ fetch: t.fetch, now: () => now });
    await a.getAccess();
    await a.getAccess();
    expect(t.sent).toHaveLength(1);
    now = start + DAY_MS - 120_001;
    await a.getAccess();
    expect(t.sent).toHaveLength(1);
    now = start + DAY_MS - 120_000;
    await a.getAccess();
    expect(t.sent).toHaveLength(2);
  });

  it("without issued_at the lifetime runs from the local send time", async () => {
    let now = FIXTURE_NOW + 1000;
    const t = transport(() => tokenFixture({ extra: { issued_at: undefined } }).response());
    const a = auth({ fetch: t.fetch, now: () => now });
    await a.getAccess();
    now = FIXTURE_NOW + DAY_MS - 120_001;
    await a.getAccess();
    expect(t.sent).toHaveLength(1);
    now += 1;
    await a.getAccess();
    expect(t.sent).toHaveLength(2);
  });
});

describe("KeystoneAuth: a failed early refresh falls back to the still-valid token", () => {
  const expiresAt = FIXTURE_NOW + DAY_MS;

  it.each([
    ["keystone 503", unavailable],
    [
      "a connection error",
      () => {
        throw new TypeError("fetch failed");
      },
    ],
  ])("%s 60 s before expiry: the old token; the next call tries again", async (_, fail) => {
    let now = FIXTURE_NOW;
    const t = transport((n) => (n === 2 ? fail() : tokenFixture({ token: `tok${n}` }).response()));
    const a = auth({ fetch: t.fetch, now: () => now });
    await a.getAccess();
    now = expiresAt - 60_000;
    expect((await a.getAccess()).token).toBe("tok1");
    expect(t.sent).toHaveLength(2);
    expect((await a.getAccess()).token).toBe("tok3");
  });

  it("all concurrent callers get the old token from one failed refresh", async () => {
    let now = FIXTURE_NOW;
    const t = transport((n) => (n === 2 ? unavailable() : tokenFixture({ token: `tok${n}` }).response()));
    const a = auth({ fetch: t.fetch, now: () => now });
    await a.getAccess();
    now = expiresAt - 60_000;
    const got = await Promise.all(Array.from({ length: 5 }, () => a.getAccess()));
    expect(got.map((x) => x.token)).toEqual(Array(5).fill("tok1"));
    expect(t.sent).toHaveLength(2);
  });

  it("not once the token has expired by the local clock, nor after invalidate()", async () => {
    let now = FIXTURE_NOW + 5 * DAY_MS; // skewed: the server's expires_at is long past locally
    const t = transport((n) => (n === 1 ? tokenFixture().response() : unavailable()));
    const a = auth({ fetch: t.fetch, now: () => now });
    const first = await a.getAccess();
    now += DAY_MS - 1;
    expect(await a.getAccess()).toBe(first);
    now += 1;
    await expect(a.getAccess()).rejects.toBeInstanceOf(HttpError);
    now -= 60_000;
    expect(await a.getAccess()).toBe(first);
    a.invalidate();
    await expect(a.getAccess()).rejects.toBeInstanceOf(HttpError);
  });

  it("invalidate() while the refresh is in flight: its failure is thrown", async () => {
    let now = FIXTURE_NOW;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = transport(async (n) => (n === 1 ? tokenFixture().response() : (await gate, unavailable())));
    const a = auth({ fetch: t.fetch, now: () => now });
    await a.getAccess();
    now = expiresAt - 60_000;
    const p = a.getAccess();
    a.invalidate();
    release();
    await expect(p).rejects.toBeInstanceOf(HttpError);
  });
});

describe("KeystoneAuth: invalidate(failed)", () => {
  it("drops the token only when `failed` is still the cached access; no argument always drops it", async () => {
    const t = transport((n) => tokenFixture({ token: `tok${n}` }).response());
    const a = auth({ fetch: t.fetch });
    const old = await a.getAccess();
    a.invalidate(old);
    const fresh = await a.getAccess();
    expect(fresh.token).toBe("tok2");
    a.invalidate(old); // a late 401 on the old token: the fresh one stays
    expect(await a.getAccess()).toBe(fresh);
    expect(t.sent).toHaveLength(2);
    a.invalidate(fresh);
    expect((await a.getAccess()).token).toBe("tok3");
    a.invalidate();
    expect((await a.getAccess()).token).toBe("tok4");
  });
});

describe("KeystoneAuth: a rejected login is cached for a cool-down", () => {
  it("rethrows the 401 for 30 s without asking keystone, invalidate() does not clear it", async () => {
    let now = FIXTURE_NOW;
    const t = transport((n) => (n === 1 ? wrongPassword() : tokenFixture().response()));
    const a = auth({ fetch: t.fetch, now: () => now });
    const e = await a.getAccess().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(AuthenticationError);
    expect(e).toMatchObject({ status: 401, code: "WrongPassword" });
    for (let i = 0; i < 5; i++) await expect(a.getAccess()).rejects.toBe(e);
    a.invalidate();
    now += 29_999;
    await expect(a.getAccess()).rejects.toBe(e);
    expect(t.sent).toHaveLength(1);
    now += 1;
    expect((await a.getAccess()).token).toBe(tokenFixture().token);
    expect(t.sent).toHaveLength(2);
  });

  it("authFailureCooldownMs sets the cool-down; 0 disables it", async () => {
    let now = FIXTURE_NOW;
    const t = transport(wrongPassword);
    const a = auth({ fetch: t.fetch, now: () => now, authFailureCooldownMs: 5000 });
    await expect(a.getAccess()).rejects.toBeInstanceOf(AuthenticationError);
    now += 4999;
    await expect(a.getAccess()).rejects.toBeInstanceOf(AuthenticationError);
    expect(t.sent).toHaveLength(1);
    now += 1;
    await expect(a.getAccess()).rejects.toBeInstanceOf(AuthenticationError);
    expect(t.sent).toHaveLength(2);
    const b = auth({ fetch: t.fetch, authFailureCooldownMs: 0 });
    await expect(b.getAccess()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(b.getAccess()).rejects.toBeInstanceOf(AuthenticationError);
    expect(t.sent).toHaveLength(4);
  });

  it("5xx and connection errors are not cached", async () => {
    const t = transport((n) => {
      if (n === 2) throw new TypeError("fetch failed");
      return n === 1 ? unavailable() : tokenFixture().response();
    });
    const a = auth({ fetch: t.fetch });
    await expect(a.getAccess()).rejects.toBeInstanceOf(HttpError);
    await expect(a.getAccess()).rejects.toThrowError("fetch failed");
    await expect(a.getAccess()).resolves.toMatchObject({ token: tokenFixture().token });
    expect(t.sent).toHaveLength(3);
  });

  it("a rejected early refresh keeps serving the old token, without a login per call", async () => {
    let now = FIXTURE_NOW;
    const t = transport((n) => (n === 1 ? tokenFixture().response() : wrongPassword()));
    const a = auth({ fetch: t.fetch, now: () => now });
    const first = await a.getAccess();
    now = FIXTURE_NOW + DAY_MS - 60_000;
    for (let i = 0; i < 5; i++) expect(await a.getAccess()).toBe(first);
    expect(t.sent).toHaveLength(2);
  });
});

describe("KeystoneAuth: secrets()", () => {
  it("secrets() lists the password, secret or credential token, plus the issued token", async () => {
    const t = transport();
    const a = auth({ fetch: t.fetch, credentials: { username: "u", password: "pw" } });
    expect(a.secrets()).toEqual(["pw"]);
    await a.getAccess();
    expect(a.secrets()).toEqual(["pw", tokenFixture().token]);
    expect(auth({ fetch: t.fetch, credentials: { accessKey: "ak", secret: "sk" } }).secrets()).toEqual([
      "sk",
    ]);
    expect(auth({ fetch: t.fetch, credentials: { token: "tk" } }).secrets()).toEqual(["tk"]);
  });

  it("keeps the last 4 issued tokens, so an invalidated token echoed later is still scrubbed", async () => {
    const t = transport((n) => tokenFixture({ token: `issued-token-${n}` }).response());
    const a = auth({ fetch: t.fetch, credentials: { username: "u", password: "pw" } });
    for (let i = 0; i < 6; i++) {
      await a.getAccess();
      a.invalidate();
    }
    expect(a.secrets()).toEqual(["pw", ...[3, 4, 5, 6].map((n) => `issued-token-${n}`)]);
  });
});
