import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { KeystoneAuth, type KeystoneAuthOptions } from "../../src/auth/keystone.js";
import { AuthenticationError, CloudpodsError, HttpError } from "../../src/errors.js";
import { capture } from "../fixtures/captures.js";
import { FIXTURE_NOW, tokenFixture } from "../fixtures/token.js";

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

/** A fake transport: records each request and answers with `respond` (default: a fresh token fixture). */
function transport(respond: (n: number) => Response | Promise<Response> = () => tokenFixture().response()) {
  const sent: Sent[] = [];
  const fetch = async (req: Request): Promise<Response> => {
    sent.push({ url: req.url, method: req.method, headers: req.headers, body: await req.text() });
    return respond(sent.length);
  };
  return { fetch, sent };
}

const AUTH_URL = "https://10.127.100.2:30500/v3";
const PASSWORD = "Sysadmin@Test123";

function auth(o: Partial<KeystoneAuthOptions> & Pick<KeystoneAuthOptions, "fetch">) {
  return new KeystoneAuth({
    authUrl: AUTH_URL,
    credentials: { username: "u", password: "p" },
    now: () => FIXTURE_NOW,
    ...o,
  });
}

async function bodyOf(o: Partial<KeystoneAuthOptions>): Promise<string> {
  const t = transport();
  await auth({ ...o, fetch: t.fetch }).getAccess();
  return t.sent[0]!.body;
}

describe("KeystoneAuth: request bodies (cloudpods-auth.md §2.2, byte for byte)", () => {
  it("password by user name + domain name, project by name + domain name, default source api", async () => {
    const t = transport();
    await auth({
      fetch: t.fetch,
      credentials: { username: "sysadmin", password: PASSWORD, domain: "Default" },
      project: { name: "system", domain: "Default" },
    }).getAccess();
    const req = t.sent[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe(`${AUTH_URL}/auth/tokens`);
    expect(req.headers.get("content-type")).toBe("application/json");
    expect(req.headers.get("x-auth-token")).toBeNull();
    expect(req.body).toBe(
      `{"auth":{"context":{"source":"api"},"identity":{"methods":["password"],"password":{"user":{"domain":{"name":"Default"},"name":"sysadmin","password":"${PASSWORD}"}}},"scope":{"project":{"domain":{"name":"Default"},"name":"system"}}}}`,
    );
  });

  it("token, project by id, source cli", async () => {
    expect(
      await bodyOf({ credentials: { token: "0123abcd" }, project: { id: "d9a1b2c3" }, source: "cli" }),
    ).toBe(
      '{"auth":{"context":{"source":"cli"},"identity":{"methods":["token"],"token":{"id":"0123abcd"}},"scope":{"project":{"id":"d9a1b2c3"}}}}',
    );
  });

  it("domain scope by name, empty source drops context", async () => {
    expect(await bodyOf({ domain: { name: "Default" }, source: "" })).toBe(
      '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u","password":"p"}}},"scope":{"domain":{"name":"Default"}}}}',
    );
  });

  it("capture A: the request a real Cloudpods keystone accepted", async () => {
    const a = capture("a-password-project");
    expect(
      await bodyOf({
        authUrl: a.authUrl,
        credentials: { username: "sysadmin", password: PASSWORD, domain: "Default" },
        project: { name: "system", domain: "Default" },
        source: "",
      }),
    ).toBe(a.request.body);
  });

  it("user by id, unscoped; domain scope by id; project by name without domain", async () => {
    expect(await bodyOf({ credentials: { userId: "uid1", password: "p" } })).toBe(
      '{"auth":{"context":{"source":"api"},"identity":{"methods":["password"],"password":{"user":{"id":"uid1","password":"p"}}}}}',
    );
    expect(await bodyOf({ domain: { id: "default" }, source: "" })).toContain(
      '"scope":{"domain":{"id":"default"}}',
    );
    expect(await bodyOf({ project: { name: "system" }, source: "" })).toContain(
      '"scope":{"project":{"name":"system"}}',
    );
  });

  it("AK/SK: the signed body of capture D (clock injected), with NO scope even when a project is set", async () => {
    const d = capture("d-aksk-vector");
    const body = await bodyOf({
      authUrl: d.authUrl,
      credentials: { accessKey: d.accessKey, secret: d.secret },
      project: { id: "ignored" },
      now: () => Date.parse(d.time),
    });
    expect(body).toBe(d.request.body);
  });

  it("removes trailing slashes from authUrl", async () => {
    const t = transport();
    const a = auth({ fetch: t.fetch, authUrl: AUTH_URL + "//" });
    expect(a.authUrl).toBe(AUTH_URL);
    await a.getAccess();
    expect(t.sent[0]!.url).toBe(`${AUTH_URL}/auth/tokens`);
  });

  it("rejects a project and a domain scope together", () => {
    const { fetch } = transport();
    expect(() => auth({ fetch, project: { id: "p" }, domain: { id: "d" } })).toThrowError(
      expect.objectContaining({ code: "InvalidConfig" }),
    );
  });

  it("sends a string body with a real Content-Length through fetch (keystone ignores chunked bodies)", async () => {
    const seen: { length?: string | undefined; te?: string | undefined; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push({ length: req.headers["content-length"], te: req.headers["transfer-encoding"], body });
        const f = tokenFixture();
        res.writeHead(200, f.headers).end(f.text);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { port } = server.address() as AddressInfo;
      const a = new KeystoneAuth({
        authUrl: `http://127.0.0.1:${port}/v3`,
        credentials: { username: "u", password: "pässword" },
        fetch: (r) => fetch(r),
      });
      await a.getAccess();
      expect(seen[0]!.te).toBeUndefined();
      expect(Number(seen[0]!.length)).toBe(new TextEncoder().encode(seen[0]!.body).length);
    } finally {
      server.close();
    }
  });
});

describe("KeystoneAuth: responses", () => {
  it("reads the token from X-Subject-Token and accepts 200 and 201 (OpenStack)", async () => {
    for (const status of [200, 201]) {
      const f = tokenFixture({ status, token: "gAAAAAB".padEnd(183, "f") });
      const a = await auth({ fetch: transport(() => f.response()).fetch }).getAccess();
      expect(a.token).toBe(f.token);
      expect(a.user.name).toBe("sysadmin");
    }
  });

  it("capture A response → AccessInfo", async () => {
    const r = capture("a-password-project").response;
    const a = await auth({
      fetch: transport(() => new Response(r.body, { headers: r.headers })).fetch,
    }).getAccess();
    expect(a.token).toBe(r.headers["X-Subject-Token"]);
    expect(a.project?.name).toBe("system");
  });
});

describe("KeystoneAuth: errors", () => {
  const failing = (status: number, body: string, headers: Record<string, string> = {}) =>
    transport(
      () => new Response(body, { status, headers: { "Content-Type": "application/json", ...headers } }),
    ).fetch;
  const loginError = async (o: Partial<KeystoneAuthOptions> & Pick<KeystoneAuthOptions, "fetch">) => {
    const e = await auth(o)
      .getAccess()
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(CloudpodsError.isInstance(e)).toBe(true);
    return e as CloudpodsError;
  };

  it("wrong password (capture A) → AuthenticationError with class WrongPassword and the request id", async () => {
    const w = capture("a-password-project").wrongPassword;
    const e = await loginError({ fetch: failing(w.status, w.body, { "X-Request-Id": "3f9a1c" }) });
    expect(e).toBeInstanceOf(AuthenticationError);
    expect(e).toMatchObject({
      status: 401,
      code: "WrongPassword",
      class: "WrongPassword",
      requestId: "3f9a1c",
    });
    expect(e.message).toContain("WrongPassword");
    expect((e as HttpError).url).toBe(`${AUTH_URL}/auth/tokens`);
  });

  it("AK/SK negative captures (E) → AuthenticationError UnauthorizedError with the details", async () => {
    const cases = capture("e-aksk-negative").cases.filter((c) => c.status === 401);
    for (const c of cases) {
      const e = await loginError({
        fetch: failing(c.status, c.body!),
        credentials: { accessKey: "a".repeat(32), secret: "U2pZV1Jq" },
      });
      expect(e).toBeInstanceOf(AuthenticationError);
      expect(e.code).toBe("UnauthorizedError");
      expect((e as HttpError).details).toMatch(/^unauthorized authUserByAccessKeyV3: /);
    }
  });

  it("OpenStack {error:{...}} 401 → AuthenticationError with title as class", async () => {
    const body =
      '{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}';
    const e = await loginError({ fetch: failing(401, body) });
    expect(e).toBeInstanceOf(AuthenticationError);
    expect(e).toMatchObject({
      status: 401,
      class: "Unauthorized",
      details: "The request you have made requires authentication.",
    });
  });

  it("other 4xx → AuthenticationError; 5xx → HttpError but not AuthenticationError", async () => {
    const e403 = await loginError({
      fetch: failing(403, '{"class":"ForbiddenError","code":403,"details":"x"}'),
    });
    expect(e403).toBeInstanceOf(AuthenticationError);
    const e500 = await loginError({ fetch: failing(500, "") });
    expect(e500).toBeInstanceOf(HttpError);
    expect(e500).not.toBeInstanceOf(AuthenticationError);
    expect(e500).toMatchObject({ status: 500, code: "Http500" });
  });

  it("missing X-Subject-Token → MissingSubjectToken", async () => {
    const f = tokenFixture();
    const e = await loginError({
      fetch: transport(() => new Response(f.text, { headers: { "X-Request-Id": "r1" } })).fetch,
    });
    expect(e).toMatchObject({ code: "MissingSubjectToken", status: 200, requestId: "r1" });
  });

  it("non-JSON 200 → InvalidTokenResponse", async () => {
    const e = await loginError({
      fetch: transport(
        () => new Response("<html>captive portal</html>", { headers: { "X-Subject-Token": "t" } }),
      ).fetch,
    });
    expect(e).toMatchObject({ code: "InvalidTokenResponse", status: 200 });
  });

  it("no password, secret or token in any message, toString or JSON, even when the server echoes them", async () => {
    const creds: KeystoneAuthOptions["credentials"][] = [
      { username: "u", password: "hunter2-Pa$$" },
      { userId: "id", password: "hunter2-Pa$$" },
      { token: "0123456789abcdef0123456789abcdef" },
      {
        accessKey: "b5622b3229bb42db81c13e92f69b874f",
        secret: "U2pZV1JqcmtNMlhTZmdTa0FOU3ljamp0ZFhuMmp1RzM=",
      },
    ];
    for (const credentials of creds) {
      const secret = Object.values(credentials).at(-1)!;
      for (const status of [401, 500]) {
        const body = JSON.stringify({
          class: `Bad${secret}`,
          code: status,
          details: `rejected ${secret} (${secret})`,
        });
        const e = await loginError({ fetch: failing(status, body), credentials });
        for (const text of [e.message, String(e), JSON.stringify(e), e.stack ?? ""]) {
          expect(text).not.toContain(secret);
        }
        expect((e as HttpError).details).toBe("rejected *** (***)");
      }
    }
  });

  it("keeps credentials out of JSON.stringify and inspection", async () => {
    const a = auth({ fetch: transport().fetch, credentials: { username: "u", password: "hunter2" } });
    await a.getAccess();
    const { inspect } = await import("node:util");
    expect(JSON.stringify(a)).not.toContain("hunter2");
    expect(inspect(a, { depth: 5 })).not.toContain("hunter2");
  });
});
