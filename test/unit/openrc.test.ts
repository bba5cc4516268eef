import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fromEnv } from "../../src/config.js";
import { CloudpodsError } from "../../src/errors.js";
import { loadOpenrc, parseOpenrc } from "../../src/openrc.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/openrc/${name}`, import.meta.url));

const failure = (f: () => unknown): CloudpodsError => {
  try {
    f();
  } catch (e) {
    expect(CloudpodsError.isInstance(e) && e.code).toBe("InvalidConfig");
    return e as CloudpodsError;
  }
  throw new Error("expected an InvalidConfig error");
};

describe("openrc", () => {
  it("reads the openrc from the Cloudpods docs into what fromEnv needs", async () => {
    const env = await loadOpenrc(fixture("cloudpods-docs.rc"));
    expect(env).toEqual({
      OS_AUTH_URL: "https://192.168.0.246:5000/v3",
      OS_USERNAME: "sysadmin",
      OS_PASSWORD: "3hV3***84srk",
      OS_PROJECT_NAME: "system",
      YUNION_INSECURE: "true",
      OS_REGION_NAME: "region0",
      OS_ENDPOINT_TYPE: "publicURL",
    });
    expect(fromEnv(env)).toEqual({
      authUrl: "https://192.168.0.246:5000/v3",
      credentials: { username: "sysadmin", password: "3hV3***84srk" },
      project: { name: "system" },
      region: "region0",
      endpointType: "public",
      insecure: true,
    });
  });

  it("reads an OpenStack openrc: quotes, skipped shell lines, $-references kept, OpenStack spellings", async () => {
    const env = await loadOpenrc(fixture("openstack.rc"));
    expect(env.OS_PROJECT_NAME).toBe("admin");
    expect(env.OS_PASSWORD).toBe("$OS_PASSWORD_INPUT");
    expect(env).not.toHaveProperty("OS_TENANT_ID");
    const o = fromEnv(env);
    expect(o).toMatchObject({
      authUrl: "https://controller:5000/v3",
      credentials: { username: "admin", domain: "Default" },
      project: { id: "0f6e5b2c9d" },
      region: "RegionOne",
      endpointType: "public",
      caFile: "/etc/ssl/certs/openstack-ca.pem",
    });
  });

  it("handles quoting and comments like a shell", () => {
    const env = parseOpenrc(
      [
        "export A='single $HOME \"x\"'",
        'export B="double \\"q\\" \\$HOME \\\\ ${HOME}"',
        "C=plain # a comment",
        "export D=$HOME/.ssh",
        "  export E=''",
        "F=\"a\"'b'c",
        "# export G=commented",
        "export H",
      ].join("\n"),
    );
    expect(env).toEqual({
      A: 'single $HOME "x"',
      B: 'double "q" $HOME \\ ${HOME}',
      C: "plain",
      D: "$HOME/.ssh",
      E: "",
      F: "abc",
    });
  });

  it("names the file line and the variable of a bad value, never the value", () => {
    const e = failure(() =>
      parseOpenrc(
        [
          "export OS_USERNAME=u",
          "export OS_PASSWORD='s3cret-value",
          "export OS_SECRET_KEY=a b",
          "X=$(cat f)",
        ].join("\n"),
        "/root/.onecloud_rcadmin",
      ),
    );
    expect(e.message).toBe(
      "invalid openrc: /root/.onecloud_rcadmin:2: OS_PASSWORD: unterminated single quote; " +
        "/root/.onecloud_rcadmin:3: OS_SECRET_KEY: unquoted whitespace in the value; " +
        "/root/.onecloud_rcadmin:4: X: shell syntax in the value (quote it, or set it by hand)",
    );
    expect(e.message).not.toContain("s3cret");
  });

  it("makes fromEnv name the openrc line of each bad variable", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cpsdk-openrc-"));
    try {
      const file = join(dir, "rc");
      await writeFile(
        file,
        [
          "# admin",
          "export OS_AUTH_URL=ftp://x",
          "export OS_PASSWORD=pw-do-not-show",
          "export OS_INTERFACE=sideways",
          "export YUNION_INSECURE=maybe",
        ].join("\n"),
      );
      const e = failure(() => fromEnv(parseOpenrc("", "x")) && undefined);
      expect(e.message).toContain("OS_AUTH_URL is missing");
      const env = await loadOpenrc(file);
      const m = failure(() => fromEnv(env)).message;
      expect(m).toContain(`OS_AUTH_URL is not an http(s) URL (${file}:2)`);
      expect(m).toContain(`OS_USERNAME is missing (OS_PASSWORD is set) (${file}:3)`);
      expect(m).toContain(`OS_INTERFACE must be publicURL, internalURL, adminURL or apigateway (${file}:4)`);
      expect(m).toContain(`YUNION_INSECURE must be true or false (${file}:5)`);
      expect(m).not.toContain("pw-do-not-show");
      expect(m).not.toContain("sideways");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports an unreadable file as InvalidConfig with its path", async () => {
    await expect(loadOpenrc("/nonexistent/rc")).rejects.toMatchObject({
      code: "InvalidConfig",
      message: "cannot read openrc /nonexistent/rc: ENOENT",
    });
  });

  it("OS_ENDPOINT_TYPE wins over OS_INTERFACE; YUNION_CERT_FILE over OS_CACERT", () => {
    const o = fromEnv({
      OS_AUTH_URL: "https://k/v3",
      OS_AUTH_TOKEN: "t",
      OS_ENDPOINT_TYPE: "internalURL",
      OS_INTERFACE: "public",
      YUNION_CERT_FILE: "/a.pem",
      OS_CACERT: "/b.pem",
    });
    expect(o).toMatchObject({ endpointType: "internal", caFile: "/a.pem" });
  });
});
