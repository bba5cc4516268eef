import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { curlCommand, redactBody, redactValue, responseLine } from "../../src/debug.js";
import { createTransport } from "../../src/transport.js";

const tag = (s: string) => `{SHA256}${createHash("sha256").update(s).digest("hex").slice(0, 8)}`;
const TOKEN = "c2baea02d266c1dbe2ea458b9bdff67d5fb9f7c7db45b8bdff1babc2ba07cb48";

describe("debug: redaction", () => {
  it("hashes a value as {SHA256} + 8 hex digits", async () => {
    expect(await redactValue(TOKEN)).toBe(tag(TOKEN));
    expect(await redactValue("x")).toMatch(/^\{SHA256\}[0-9a-f]{8}$/);
  });

  it("masks password, secret, access_key_secret and private key fields, hashes token and token.id", async () => {
    const body = {
      auth: {
        identity: {
          methods: ["password", "token", "aksk"],
          password: { user: { name: "admin", password: "Sysadmin@123" } },
          token: { id: TOKEN },
          access_key_secret: '{"signature":"abc"}',
        },
        scope: { project: { id: "p1", name: "system" } },
      },
      items: [{ secret: "s3cr3t", id: "keep-me", private_key: "PEM-1", privateKey: "PEM-2" }],
      token: "bare-token",
    };
    const out = await redactBody(JSON.stringify(body));
    for (const s of ["Sysadmin@123", TOKEN, "signature", "s3cr3t", "bare-token", "PEM-"])
      expect(out).not.toContain(s);
    // An unsalted hash prefix of a password can be looked up in a dictionary: only tokens are hashed.
    expect(out).not.toContain(tag("Sysadmin@123"));
    const parsed = JSON.parse(out) as typeof body;
    expect(parsed.auth.identity.password.user.password).toBe("***");
    expect(parsed.auth.identity.access_key_secret).toBe("***");
    expect(parsed.items[0]).toMatchObject({ secret: "***", private_key: "***", privateKey: "***" });
    expect(parsed.token).toBe(tag("bare-token"));
    expect(parsed.auth.identity.token.id).toBe(tag(TOKEN));
    expect(parsed.auth.scope.project.id).toBe("p1");
    expect(parsed.items[0]!.id).toBe("keep-me");
    expect(parsed.auth.identity.password.user.name).toBe("admin");
  });

  it("redacts inside string values that hold JSON (POST /credentials blob), at any depth", async () => {
    const blob = JSON.stringify({ expire: 0, secret: "NEW-SECRET" });
    const body = JSON.stringify({ credential: { type: "aksk", blob } });
    expect(await redactBody(body)).toBe(
      JSON.stringify({ credential: { type: "aksk", blob: '{"expire":0,"secret":"***"}' } }),
    );
    const nested = JSON.stringify({
      list: [JSON.stringify([{ blob: JSON.stringify({ private_key: "PEM-3", token: TOKEN }) }])],
      note: "{not json: secret=kept}",
    });
    expect(JSON.parse(await redactBody(nested))).toEqual({
      list: [JSON.stringify([{ blob: JSON.stringify({ private_key: "***", token: tag(TOKEN) }) }])],
      note: "{not json: secret=kept}",
    });
  });

  it("never prints a body that is not JSON", async () => {
    expect(await redactBody("password=hunter2")).toBe("<16 bytes, not JSON>");
  });
});

describe("debug: curl line", () => {
  it("prints a climc --debug style curl command with credential headers hashed", async () => {
    const headers = new Headers({
      "Content-Type": "application/json",
      "X-Auth-Token": TOKEN,
      Authorization: "Bearer abc",
      "X-Subject-Token": "subj",
    });
    const line = await curlCommand("POST", "https://h:30888/servers?x='1'", headers, '{"name":"it\'s"}');
    expect(line).toBe(
      `curl -v -X POST -H 'authorization: ${tag("Bearer abc")}' -H 'content-type: application/json'` +
        ` -H 'x-auth-token: ${tag(TOKEN)}' -H 'x-subject-token: ${tag("subj")}'` +
        ` -d '{"name":"it'\\''s"}' 'https://h:30888/servers?x='\\''1'\\'''`,
    );
  });

  it("replaces known secrets wherever they still appear, by *** (no hash of a password)", async () => {
    const line = await curlCommand("GET", "https://h/users?name=hunter2pw", [], undefined, ["hunter2pw"]);
    expect(line).toBe("curl -v -X GET 'https://h/users?name=***'");
  });

  it("summarises a response without headers or query", () => {
    const res = new Response(null, {
      status: 404,
      headers: { "x-request-id": "51fde4", "set-cookie": "a=b" },
    });
    expect(responseLine("GET", "https://h/servers?limit=1", res)).toBe(
      "404 GET https://h/servers (request id 51fde4)",
    );
  });
});

describe("debug: transport hook", () => {
  it("logs each request and response, with the login password and token redacted", async () => {
    const lines: string[] = [];
    const send = createTransport({
      fetch: async () =>
        new Response("{}", {
          status: 201,
          headers: { "content-type": "application/json", "x-subject-token": TOKEN },
        }),
      onDebug: (l) => lines.push(l),
      secrets: () => ["pw-secret-1"],
    });
    const body = JSON.stringify({ auth: { identity: { password: { user: { password: "pw-secret-1" } } } } });
    await send(
      new Request("https://ks/v3/auth/tokens", { method: "POST", body, headers: { "x-auth-token": TOKEN } }),
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^curl -v -X POST /);
    expect(lines[0]).toContain(`-d '{"auth":{"identity":{"password":{"user":{"password":"***"}}}}}'`);
    expect(lines[0]).toContain(`'x-auth-token: ${tag(TOKEN)}'`);
    expect(lines.join("\n")).not.toContain("pw-secret-1");
    expect(lines.join("\n")).not.toContain(TOKEN);
    expect(lines[1]).toBe("201 POST https://ks/v3/auth/tokens");
  });
});
