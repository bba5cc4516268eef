import { describe, expect, it } from "vitest";
import { akskAuthBody, akskSign, sha256Hex, signingKeys, splitUrl } from "../../src/auth/aksk.js";
import { jsonEncode } from "../../src/auth/jsonutils.js";
import { capture } from "../fixtures/captures.js";

const hex = (b: ArrayBuffer) => Buffer.from(b).toString("hex");

// cloudpods-auth.md §1.8: every value verified twice (Python and the vendored Go code).
const V = {
  authUrl: "https://10.127.100.2:30500/v3",
  accessKey: "5d6c9b2a4f1e4c3b8a7d6e5f4c3b2a19",
  secret: "WXVuaW9uLVRTLVNESy10ZXN0LXNlY3JldC0wMTIzNDU=",
  now: Date.UTC(2026, 7, 21, 6, 27, 58),
  source: "cli",
};
const SEED_BODY =
  '{"auth":{"context":{"source":"cli"},"identity":{"access_key_secret":"{\\"access_key\\":\\"5d6c9b2a4f1e4c3b8a7d6e5f4c3b2a19\\",\\"algorithm\\":\\"AWS4-HMAC-SHA256\\",\\"location\\":\\"cn-beijing\\"}","methods":["aksk"]}}}';
const CANONICAL = `POST
/v3/auth/tokens

date:Fri, 21 Aug 2026 06:27:58 UTC
host:10.127.100.2:30500
x-amz-content-sha256:e5ab9abd3acceddadca91b4a036290f78e024c9e35ed0b6065ddf32cf7054a1d
x-amz-date:20260821T062758Z

date;host;x-amz-content-sha256;x-amz-date
e5ab9abd3acceddadca91b4a036290f78e024c9e35ed0b6065ddf32cf7054a1d`;
const STRING_TO_SIGN = `AWS4-HMAC-SHA256
20260821T062758Z
20260821/cn-beijing/s3/aws4_request
d19b75bf29a526397f9a46c899b7b4264ed240d13aff1fd096a8e00e3fdd0be4`;
const ACCESS_KEY_SECRET =
  '{"access_key":"5d6c9b2a4f1e4c3b8a7d6e5f4c3b2a19","algorithm":"AWS4-HMAC-SHA256","location":"cn-beijing","request":"AWS4-HMAC-SHA256\\n20260821T062758Z\\n20260821/cn-beijing/s3/aws4_request\\nd19b75bf29a526397f9a46c899b7b4264ed240d13aff1fd096a8e00e3fdd0be4","sign_date":"2026-08-21T06:27:58.000000Z","signature":"323e728c85912985097f8c017150b95d49cfff54170681958a86469713936f0c","signed_headers":["date","host","x-amz-content-sha256","x-amz-date"]}';
const FINAL_BODY =
  '{"auth":{"context":{"source":"cli"},"identity":{"access_key_secret":"{\\"access_key\\":\\"5d6c9b2a4f1e4c3b8a7d6e5f4c3b2a19\\",\\"algorithm\\":\\"AWS4-HMAC-SHA256\\",\\"location\\":\\"cn-beijing\\",\\"request\\":\\"AWS4-HMAC-SHA256\\\\n20260821T062758Z\\\\n20260821/cn-beijing/s3/aws4_request\\\\nd19b75bf29a526397f9a46c899b7b4264ed240d13aff1fd096a8e00e3fdd0be4\\",\\"sign_date\\":\\"2026-08-21T06:27:58.000000Z\\",\\"signature\\":\\"323e728c85912985097f8c017150b95d49cfff54170681958a86469713936f0c\\",\\"signed_headers\\":[\\"date\\",\\"host\\",\\"x-amz-content-sha256\\",\\"x-amz-date\\"]}","methods":["aksk"]}}}';

describe("akskSign: the §1.8 vector", () => {
  it("reproduces every intermediate value", async () => {
    const s = await akskSign(V);
    expect(splitUrl(V.authUrl + "/auth/tokens")).toEqual({
      host: "10.127.100.2:30500",
      path: "/v3/auth/tokens",
    });
    expect(s.seedBody).toBe(SEED_BODY);
    expect(new TextEncoder().encode(s.seedBody).length).toBe(208);
    expect(s.payloadHash).toBe("e5ab9abd3acceddadca91b4a036290f78e024c9e35ed0b6065ddf32cf7054a1d");
    expect(s.canonicalRequest).toContain("\ndate:Fri, 21 Aug 2026 06:27:58 UTC\n"); // RFC1123, literal UTC
    expect(s.canonicalRequest).toContain("\nx-amz-date:20260821T062758Z\n");
    expect(s.canonicalRequest).toBe(CANONICAL);
    expect(await sha256Hex(s.canonicalRequest)).toBe(
      "d19b75bf29a526397f9a46c899b7b4264ed240d13aff1fd096a8e00e3fdd0be4",
    );
    expect(s.stringToSign).toBe(STRING_TO_SIGN);
    expect(s.signature).toBe("323e728c85912985097f8c017150b95d49cfff54170681958a86469713936f0c");
    expect(JSON.parse(s.body).auth.identity.access_key_secret).toBe(ACCESS_KEY_SECRET);
    expect(s.body).toBe(FINAL_BODY);
    expect(new TextEncoder().encode(s.body).length).toBe(573);
    expect(await sha256Hex(s.body)).toBe("693a4c2c17d643b3fc4de8a52225a54166664b532af2aeb1bdf6af40304e0321");
  });

  it("derives the key chain from the secret TEXT", async () => {
    const keys = await signingKeys(V.secret, "20260821");
    expect(keys.map(hex)).toEqual([
      "61b5eaca97c84c62d8b37806e478d5979ee306d03db582a0ae39780ac341b11d",
      "3ef3e232e54d0e9c56884143409a2baa1ecfb3f6e2c96191621606f788994008",
      "1c459125c487020186b9bdc3c1e54536a66e6fd4fd9c26d66496f79526608206",
      "c115a5f30fce9eb7c0aa6a7d6fbcf1eedc73fdbf1ece2bdd19275b7879e265e3",
    ]);
  });

  it("the local Authorization header assembled from the parts matches the reference", async () => {
    const s = await akskSign(V);
    expect(
      `AWS4-HMAC-SHA256 Credential=${V.accessKey}/${s.stringToSign.split("\n")[2]},SignedHeaders=date;host;x-amz-content-sha256;x-amz-date,Signature=${s.signature}`,
    ).toBe(
      "AWS4-HMAC-SHA256 Credential=5d6c9b2a4f1e4c3b8a7d6e5f4c3b2a19/20260821/cn-beijing/s3/aws4_request,SignedHeaders=date;host;x-amz-content-sha256;x-amz-date,Signature=323e728c85912985097f8c017150b95d49cfff54170681958a86469713936f0c",
    );
  });

  it("accepts a Date as well as epoch ms, and ignores sub-second parts as Go's seconds precision does", async () => {
    expect(await akskAuthBody({ ...V, now: new Date(V.now) })).toBe(FINAL_BODY);
    expect(await akskAuthBody({ ...V, now: V.now + 999 })).toBe(FINAL_BODY);
  });

  it("signs the same URL with or without a trailing slash on authUrl", async () => {
    expect(await akskAuthBody({ ...V, authUrl: V.authUrl + "/" })).toBe(FINAL_BODY);
  });
});

describe("akskSign: other URLs", () => {
  it("gateway URL (second §1.8 vector)", async () => {
    const s = await akskSign({ ...V, authUrl: "https://cloud.example.com/api/s/identity/v3" });
    expect(s.canonicalRequest).toContain("\n/api/s/identity/v3/auth/tokens\n\n");
    expect(s.canonicalRequest).toContain("\nhost:cloud.example.com\n");
    expect(s.payloadHash).toBe("e5ab9abd3acceddadca91b4a036290f78e024c9e35ed0b6065ddf32cf7054a1d");
    expect(await sha256Hex(s.canonicalRequest)).toBe(
      "dcc3c754cd321c96565ac29c50a5f95caaae49d24db8e711ac4feae3f985675a",
    );
    expect(s.signature).toBe("15bf6922b37ed1db2ec531c79cc47fc8cd79e53c97287677a60f122de7b492ec");
    expect(new TextEncoder().encode(s.body).length).toBe(573);
  });

  it("keeps an explicit :443 in the signed host (new URL would drop it)", async () => {
    const s = await akskSign({ ...V, authUrl: "https://cloud.example.com:443/api/s/identity/v3" });
    expect(s.canonicalRequest).toContain("\nhost:cloud.example.com:443\n");
    // computed with the reference Python signer of cloudpods-auth.md §1.8 (netloc as written)
    expect(s.signature).toBe("470b349ed826441be6c9d4b14a2f452ac3dd534aaf2f559a9db5fdcf2098fbfb");
    expect(await sha256Hex(s.body)).toBe("e8d11c0ca257e2136c120015fbf0fb86683041535e7acbbd9f943d822c6d2538");
  });

  it("splitUrl: authority as written (ports, IPv6, case), userinfo dropped, path as written", () => {
    expect(splitUrl("https://cloud.example.com:443/v3/auth/tokens")).toEqual({
      host: "cloud.example.com:443",
      path: "/v3/auth/tokens",
    });
    expect(splitUrl("http://u:p@[::1]:5000/v3?x#y")).toEqual({ host: "[::1]:5000", path: "/v3" });
    expect(splitUrl("HTTPS://Host.Example")).toEqual({ host: "Host.Example", path: "/" });
  });

  it("an empty source drops `context`", async () => {
    const s = await akskSign({ ...V, source: "" });
    expect(s.seedBody).toBe(SEED_BODY.replace('"context":{"source":"cli"},', ""));
    expect(s.body.startsWith('{"auth":{"identity":{"access_key_secret":')).toBe(true);
  });
});

describe("akskSign: jsonutils parity", () => {
  it("writes the bytes jsonEncode writes, empty access key and source included (omitempty)", async () => {
    for (const [accessKey, source] of [
      [V.accessKey, "cli"],
      ["", "cli"],
      [V.accessKey, ""],
      ["", ""],
    ] as const) {
      const s = await akskSign({ ...V, accessKey, source });
      const seed = { access_key: accessKey, algorithm: "AWS4-HMAC-SHA256", location: "cn-beijing" };
      const envelope = (aks: string) =>
        jsonEncode({
          auth: { context: { source }, identity: { access_key_secret: aks, methods: ["aksk"] } },
        });
      expect(s.seedBody).toBe(envelope(jsonEncode(seed)));
      const signed = JSON.parse(JSON.parse(s.body).auth.identity.access_key_secret) as Record<
        string,
        unknown
      >;
      expect(s.body).toBe(envelope(jsonEncode({ ...seed, ...signed })));
    }
  });
});

describe("akskSign: captures from a real Cloudpods keystone", () => {
  it("capture C: byte for byte what climc (the Go client) sent", async () => {
    const c = capture("c-aksk-climc");
    const body = await akskAuthBody({
      authUrl: c.authUrl,
      accessKey: c.accessKey,
      secret: c.secret,
      now: Date.parse(c.time),
      source: c.source,
    });
    expect(body).toBe(c.request.body);
  });

  it("capture D: the deterministic vector keystone accepted, with its intermediates (default source api)", async () => {
    const d = capture("d-aksk-vector");
    const s = await akskSign({
      authUrl: d.authUrl,
      accessKey: d.accessKey,
      secret: d.secret,
      now: Date.parse(d.time),
    });
    expect(s.seedBody).toBe(d.seedBody);
    expect(s.payloadHash).toBe(d.payloadHash);
    expect(s.canonicalRequest).toBe(d.canonicalRequest);
    expect(await sha256Hex(s.canonicalRequest)).toBe(d.canonicalRequestHash);
    expect(s.stringToSign).toBe(d.stringToSign);
    const keys = await signingKeys(d.secret, "20260102");
    expect(hex(keys[0]!)).toBe(d.kDate);
    expect(hex(keys[3]!)).toBe(d.kSigning);
    expect(s.signature).toBe(d.signature);
    expect(s.body).toBe(d.request.body);
  });
});
