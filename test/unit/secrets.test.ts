// Secrets never reach a message (issue 7 §3): every encoded form is scrubbed, before any cut; a bad auth URL
// is refused without being echoed; debug lines hide every credential-looking key, header and query value.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createCloudpods, fromEnv } from "../../src/index.js";
import { CloudpodsError } from "../../src/errors.js";
import { errorFields, scrub } from "../../src/errorbody.js";
import { curlCommand } from "../../src/debug.js";

const ODD = 'Pa"ss\\w\u0001rd-é中 &=+?';

function thrownBy(f: () => unknown): CloudpodsError {
  try {
    f();
  } catch (e) {
    expect(CloudpodsError.isInstance(e), String(e)).toBe(true);
    return e as CloudpodsError;
  }
  throw new Error("did not throw");
}

describe("scrubbing server text", () => {
  it("replaces the raw, JSON-escaped, doubly escaped and URL-encoded forms", () => {
    const once = JSON.stringify(ODD).slice(1, -1);
    const twice = JSON.stringify(once).slice(1, -1);
    for (const form of [
      ODD,
      once,
      twice,
      encodeURIComponent(ODD),
      encodeURIComponent(ODD).replaceAll("%20", "+"),
    ]) {
      expect(scrub(`before ${form} after`, [ODD])).toBe("before *** after");
    }
  });

  it("scrubs before cutting a long text, so no prefix of a secret is left at the cut", () => {
    const text = "x".repeat(190) + ODD + "y".repeat(100);
    const res = new Response(null, { status: 400, headers: { "content-type": "text/plain" } });
    const { details } = errorFields(res, text, [ODD]);
    expect(details).toContain("***");
    expect(details).not.toContain(ODD.slice(0, 4));
  });

  it("scrubs a login error that echoes a password with quotes, backslashes and control characters", () => {
    const echoed = JSON.stringify({
      class: "WrongPassword",
      code: 401,
      details: `rejected ${JSON.stringify({ password: ODD })}`,
    });
    const res = new Response(null, { status: 401, headers: { "content-type": "application/json" } });
    const { details } = errorFields(res, echoed, [ODD]);
    expect(details).toBe('rejected {"password":"***"}');
  });
});

describe("auth URLs", () => {
  const base = { credentials: { username: "u", password: "hunter22" } };

  it("refuses userinfo and query strings in createCloudpods as InvalidConfig, never echoing the URL", () => {
    for (const [authUrl, why] of [
      ["https://admin:hunter22@keystone.example/v3", /user or password/],
      ["https://keystone.example/v3?token=abcdef123", /query string/],
      ["https://keystone.example/v3#frag", /query string or fragment/],
      ["not a url hunter22", /not a URL/],
      ["ftp://keystone.example/v3", /http\(s\)/],
    ] as const) {
      const e = thrownBy(() => createCloudpods({ ...base, authUrl }));
      expect(e.code).toBe("InvalidConfig");
      expect(e.message).toMatch(/^authUrl /);
      expect(e.message).toMatch(why);
      for (const text of [e.message, inspect(e), JSON.stringify(e)]) {
        expect(text).not.toContain("hunter22");
        expect(text).not.toContain("abcdef123");
      }
    }
  });

  it("refuses the same in fromEnv, naming the variable, and a bare OS_ENDPOINT_TYPE=URL", () => {
    const env = { OS_USERNAME: "u", OS_PASSWORD: "hunter22" };
    const e = thrownBy(() => fromEnv({ ...env, OS_AUTH_URL: "https://admin:hunter22@ks.example/v3" }));
    expect(e.message).toContain("OS_AUTH_URL must not carry a user or password");
    expect(inspect(e)).not.toContain("hunter22");
    const q = thrownBy(() => fromEnv({ ...env, OS_AUTH_URL: "https://ks.example/v3?x=1" }));
    expect(q.message).toContain("OS_AUTH_URL must not have a query string");
    const t = thrownBy(() =>
      fromEnv({ ...env, OS_AUTH_URL: "https://ks.example/v3", OS_ENDPOINT_TYPE: "URL" }),
    );
    expect(t.message).toContain("OS_ENDPOINT_TYPE must be");
    expect(
      fromEnv({ ...env, OS_AUTH_URL: "https://ks.example/v3", OS_ENDPOINT_TYPE: "internalURL" }),
    ).toMatchObject({
      endpointType: "internal",
    });
  });
});

describe("debug lines", () => {
  it("hide passwd, pwd, api_key, apiKey, credential and totp values, secret headers and ?password=", async () => {
    const body = JSON.stringify({
      user: { passwd: "v-passwd", pwd: "v-pwd", api_key: "v-api_key", apiKey: "v-apiKey" },
      credential: "v-credential",
      totp: "v-totp",
      name: "keep-me",
    });
    const headers: [string, string][] = [
      ["Cookie", "session=v-cookie"],
      ["Proxy-Authorization", "Basic v-proxy"],
      ["X-Api-Key", "v-xapikey"],
      ["Accept", "application/json"],
    ];
    const line = await curlCommand(
      "POST",
      "https://h/v3/x?password=v-query&limit=2&Access_Token=v-qtoken",
      headers,
      body,
    );
    for (const v of [
      "v-passwd",
      "v-pwd",
      "v-api_key",
      "v-apiKey",
      "v-credential",
      "v-totp",
      "v-cookie",
      "v-proxy",
      "v-xapikey",
      "v-query",
      "v-qtoken",
    ]) {
      expect(line).not.toContain(v);
    }
    expect(line).toContain("keep-me");
    expect(line).toContain("limit=2");
    expect(line).toContain("Accept: application/json");
    expect(line).toContain("password=***");
  });

  it("scrubs a known secret holding a quote before the line is shell-quoted", async () => {
    const secret = "it's-a-secret";
    const line = await curlCommand("GET", `https://h/x/${secret}`, [], undefined, [secret]);
    expect(line).not.toContain("it");
    expect(line).toContain("***");
  });
});
