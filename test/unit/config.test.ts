import { describe, expect, it } from "vitest";
import { fromEnv } from "../../src/config.js";
import { CloudpodsError } from "../../src/errors.js";

const URL_ = "https://10.127.100.2:30500/v3";

function configError(env: Record<string, string>): CloudpodsError {
  try {
    fromEnv(env);
  } catch (e) {
    expect(CloudpodsError.isInstance(e)).toBe(true);
    expect((e as CloudpodsError).code).toBe("InvalidConfig");
    return e as CloudpodsError;
  }
  throw new Error("fromEnv did not throw");
}

describe("fromEnv", () => {
  it("reads a full password openrc as climc does", () => {
    expect(
      fromEnv({
        OS_AUTH_URL: URL_ + "/",
        OS_USERNAME: "sysadmin",
        OS_PASSWORD: "pw",
        OS_DOMAIN_NAME: "Default",
        OS_PROJECT_NAME: "system",
        OS_PROJECT_DOMAIN: "Default",
        OS_REGION_NAME: "region0",
        OS_ZONE_NAME: "zone0",
        OS_ENDPOINT_TYPE: "publicURL",
        YUNION_INSECURE: "true",
        YUNION_CERT_FILE: "/etc/yunion/ca.crt",
      }),
    ).toEqual({
      authUrl: URL_,
      credentials: { username: "sysadmin", password: "pw", domain: "Default" },
      project: { name: "system", domain: "Default" },
      region: "region0",
      zone: "zone0",
      endpointType: "public",
      insecure: true,
      caFile: "/etc/yunion/ca.crt",
    });
  });

  it("leaves unset options absent (not undefined-valued keys)", () => {
    const o = fromEnv({ OS_AUTH_URL: URL_, OS_AUTH_TOKEN: "t" });
    expect(Object.keys(o).sort()).toEqual(["authUrl", "credentials"]);
  });

  it("precedence: OS_AUTH_TOKEN > AK/SK > password", () => {
    const all = {
      OS_AUTH_URL: URL_,
      OS_USERNAME: "u",
      OS_PASSWORD: "p",
      OS_ACCESS_KEY: "ak",
      OS_SECRET_KEY: "sk",
    };
    expect(fromEnv({ ...all, OS_AUTH_TOKEN: "tok" }).credentials).toEqual({ token: "tok" });
    expect(fromEnv(all).credentials).toEqual({ accessKey: "ak", secret: "sk" });
  });

  it("OS_PROJECT_ID wins over OS_PROJECT_NAME; OpenStack *_DOMAIN_NAME spellings are fallbacks", () => {
    const o = fromEnv({
      OS_AUTH_URL: URL_,
      OS_USERNAME: "u",
      OS_PASSWORD: "p",
      OS_USER_DOMAIN_NAME: "Default",
      OS_PROJECT_ID: "pid",
      OS_PROJECT_NAME: "admin",
    });
    expect(o.project).toEqual({ id: "pid" });
    expect(o.credentials).toEqual({ username: "u", password: "p", domain: "Default" });
    expect(
      fromEnv({
        OS_AUTH_URL: URL_,
        OS_AUTH_TOKEN: "t",
        OS_PROJECT_NAME: "admin",
        OS_PROJECT_DOMAIN_NAME: "D",
      }).project,
    ).toEqual({ name: "admin", domain: "D" });
  });

  it("endpoint types: climc's xxxURL names and plain names; anything else is an error", () => {
    const base = { OS_AUTH_URL: URL_, OS_AUTH_TOKEN: "t" };
    expect(fromEnv({ ...base, OS_ENDPOINT_TYPE: "internalURL" }).endpointType).toBe("internal");
    expect(fromEnv({ ...base, OS_ENDPOINT_TYPE: "admin" }).endpointType).toBe("admin");
    expect(configError({ ...base, OS_ENDPOINT_TYPE: "private" }).message).toContain("OS_ENDPOINT_TYPE");
  });

  it("apigateway needs a gateway OS_AUTH_URL, reported with everything else in the one error", () => {
    const gw = { OS_AUTH_URL: "https://cloud.example.com/api/s/identity/v3/", OS_AUTH_TOKEN: "t" };
    expect(fromEnv({ ...gw, OS_ENDPOINT_TYPE: "apigateway" })).toMatchObject({
      authUrl: "https://cloud.example.com/api/s/identity/v3",
      endpointType: "apigateway",
    });
    const e = configError({ OS_AUTH_URL: URL_, OS_ENDPOINT_TYPE: "apigateway" });
    expect(e.message).toContain("OS_ENDPOINT_TYPE=apigateway needs an OS_AUTH_URL like");
    expect(e.message).toContain("no credentials");
    expect(e.message).not.toContain(URL_);
  });

  it("YUNION_INSECURE false-ish values give insecure: false", () => {
    expect(fromEnv({ OS_AUTH_URL: URL_, OS_AUTH_TOKEN: "t", YUNION_INSECURE: "false" }).insecure).toBe(false);
  });

  it("reports everything missing in ONE error", () => {
    const e = configError({});
    expect(e.message).toContain("OS_AUTH_URL is missing");
    expect(e.message).toContain("no credentials");
  });

  it("reports half-set credential pairs and a bad URL together, without any value", () => {
    const e = configError({
      OS_AUTH_URL: "ftp://x",
      OS_SECRET_KEY: "SUPER-SECRET-sk",
      OS_PASSWORD: "SUPER-SECRET-pw",
    });
    expect(e.message).toContain("OS_AUTH_URL is not an http(s) URL");
    expect(e.message).toContain("OS_ACCESS_KEY is missing");
    expect(e.message).not.toContain("SUPER-SECRET");
    expect(JSON.stringify(e)).not.toContain("SUPER-SECRET");
    const p = configError({ OS_AUTH_URL: URL_, OS_PASSWORD: "SUPER-SECRET-pw" });
    expect(p.message).toContain("OS_USERNAME is missing");
    expect(p.message).not.toContain("SUPER-SECRET");
    expect(configError({ OS_AUTH_URL: URL_, OS_ACCESS_KEY: "ak" }).message).toContain(
      "OS_SECRET_KEY is missing",
    );
    expect(configError({ OS_AUTH_URL: URL_, OS_USERNAME: "u" }).message).toContain("OS_PASSWORD is missing");
  });

  it("treats empty strings as unset", () => {
    expect(
      fromEnv({ OS_AUTH_URL: URL_, OS_AUTH_TOKEN: "", OS_ACCESS_KEY: "ak", OS_SECRET_KEY: "sk" }).credentials,
    ).toEqual({
      accessKey: "ak",
      secret: "sk",
    });
  });

  it("defaults to process.env at call time, and works where `process` does not exist", () => {
    const saved = { url: process.env.OS_AUTH_URL, token: process.env.OS_AUTH_TOKEN };
    process.env.OS_AUTH_URL = "https://from-process-env/v3";
    process.env.OS_AUTH_TOKEN = "process-token";
    try {
      expect(fromEnv()).toMatchObject({
        authUrl: "https://from-process-env/v3",
        credentials: { token: "process-token" },
      });
    } finally {
      for (const [k, v] of [
        ["OS_AUTH_URL", saved.url],
        ["OS_AUTH_TOKEN", saved.token],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const desc = Object.getOwnPropertyDescriptor(globalThis, "process")!;
    Object.defineProperty(globalThis, "process", { value: undefined, configurable: true, writable: true });
    let err: unknown;
    try {
      fromEnv();
    } catch (e) {
      err = e;
    } finally {
      Object.defineProperty(globalThis, "process", desc);
    }
    expect((err as CloudpodsError).code).toBe("InvalidConfig");
    expect((err as Error).message).toContain("OS_AUTH_URL is missing");
  });
});
