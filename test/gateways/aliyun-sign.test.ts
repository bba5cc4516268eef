// The signer against the published vectors (gateways.md §2.5: V1–V3 from Higress' hmac-auth tests, V4 from
// Alibaba's documentation, V5 self-computed), and the fake gateway's independent verifier against the same.
import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { contentMd5, signAliyunRequest, type AliyunSignInput } from "../../src/gateways/aliyun-sign.js";
import { serverSignature, serverStringToSign } from "./aliyun-fake.js";

const enc = new TextEncoder();
const nl = (s: string) => s.replaceAll("\\n", "\n");

const V1 = nl(
  "GET\\napplication/json\\n\\napplication/json\\n\\nx-ca-key:appKey\\nx-ca-nonce:787dd0c2-7bd8-41cd-9c19-62c05ea524a2\\nx-ca-timestamp:1646365291734\\n/Third/Tools/checkSign",
);
const V2 = nl("GET\\napplication/json\\n\\n\\n\\n/Third/Tools/checkSign");
const V3 = nl(
  "POST\\napplication/json\\n\\napplication/x-www-form-urlencoded\\n\\nx-ca-key:appKey\\nx-ca-nonce:ca5a6753-b76c-4fff-a9d9-e5bb643e8cdf\\nx-ca-timestamp:1646646682418\\n/Third/User/getNyAccessToken?nickname=nickname&photo=photo&room_id=6893&uuid=uuid",
);
const V4 = nl(
  "POST\\napplication/json; charset=utf-8\\n\\napplication/x-www-form-urlencoded; charset=utf-8\\nWed, 09 May 2018 13:30:29 GMT+00:00\\nx-ca-key:203753385\\nx-ca-nonce:c9f15cbf-f4ac-4a6c-b54d-f51abf4b5b44\\nx-ca-signature-method:HmacSHA256\\nx-ca-timestamp:1525872629832\\n/http2test/test?param1=test&password=123456789&username=xiaoming",
);
const V5 = nl(
  "POST\\napplication/json\\n4VWcpBoBH5xgmQulV1TBYQ==\\napplication/json; charset=utf-8\\n\\nx-ca-key:appKey\\nx-ca-nonce:00000000-0000-4000-8000-000000000000\\nx-ca-signature-method:HmacSHA256\\nx-ca-timestamp:1700000000000\\n/api/v1/items?a=1&b=2",
);

const base = { appKey: "appKey", appSecret: "appSecret" };
const sign = (i: Partial<AliyunSignInput> & Pick<AliyunSignInput, "url" | "method">) =>
  signAliyunRequest({ ...base, headers: [], body: null, timestamp: 0, nonce: "n", ...i });

describe("signAliyunRequest against the gateways.md vectors", () => {
  it("V1: GET with the x-ca headers signed", () => {
    const s = sign({
      method: "GET",
      url: "http://gw.invalid/Third/Tools/checkSign",
      headers: [
        ["Accept", "application/json"],
        ["Content-Type", "application/json"],
      ],
      timestamp: 1646365291734,
      nonce: "787dd0c2-7bd8-41cd-9c19-62c05ea524a2",
    });
    expect(s.stringToSign).toBe(V1);
    expect(s.headers["x-ca-signature"]).toBe("EdJSFAMOWyXZOpXhevZnjuS0ZafnwnCqaSk5hz+tXo8=");
    expect(s.headers["x-ca-signature-headers"]).toBe("x-ca-key,x-ca-nonce,x-ca-timestamp");
    expect(s.headers["content-md5"]).toBeUndefined();
  });

  it("V3: a form body's fields are signed as parameters, with no Content-MD5", () => {
    const s = sign({
      method: "POST",
      url: "http://gw.invalid/Third/User/getNyAccessToken",
      headers: [
        ["accept", "application/json"],
        ["content-type", "application/x-www-form-urlencoded"],
      ],
      body: enc.encode("nickname=nickname&room_id=6893&uuid=uuid&photo=photo"),
      timestamp: 1646646682418,
      nonce: "ca5a6753-b76c-4fff-a9d9-e5bb643e8cdf",
    });
    expect(s.stringToSign).toBe(V3);
    expect(s.headers["x-ca-signature"]).toBe("gmf9xq0hc95Hmt+7G+OocS009ka3v1v0rvfshKzYc3w=");
    expect(s.headers["content-md5"]).toBeUndefined();
  });

  it("V4: Alibaba's documented StringToSign (Date, charset, query plus form, signature method)", () => {
    const s = signAliyunRequest({
      method: "POST",
      url: "http://gw.invalid/http2test/test?param1=test",
      headers: [
        ["accept", "application/json; charset=utf-8"],
        ["content-type", "application/x-www-form-urlencoded; charset=utf-8"],
        ["date", "Wed, 09 May 2018 13:30:29 GMT+00:00"],
      ],
      body: enc.encode("username=xiaoming&password=123456789"),
      appKey: "203753385",
      appSecret: "unpublished",
      timestamp: 1525872629832,
      nonce: "c9f15cbf-f4ac-4a6c-b54d-f51abf4b5b44",
      signatureMethod: "HmacSHA256",
    });
    expect(s.stringToSign).toBe(V4);
  });

  it("V5: a JSON body gets Content-MD5 and the query is sorted", () => {
    const s = sign({
      method: "POST",
      url: "http://gw.invalid/api/v1/items?b=2&a=1",
      headers: [
        ["accept", "application/json"],
        ["content-type", "application/json; charset=utf-8"],
      ],
      body: enc.encode('{"name":"bob"}'),
      timestamp: 1700000000000,
      nonce: "00000000-0000-4000-8000-000000000000",
      signatureMethod: "HmacSHA256",
    });
    expect(s.stringToSign).toBe(V5);
    expect(s.headers["content-md5"]).toBe("4VWcpBoBH5xgmQulV1TBYQ==");
    expect(s.headers["x-ca-signature"]).toBe("bBjN2Ei7orqDgFXv94Dtw0YRLiLh0salG9PXx7NvEH8=");
    expect(s.headers["x-ca-signature-headers"]).toBe(
      "x-ca-key,x-ca-nonce,x-ca-signature-method,x-ca-timestamp",
    );
  });
});

describe("the fake gateway's own verifier against the same vectors", () => {
  it("V1, V2 and V3 verify server-side", () => {
    const v1 = serverStringToSign(
      "GET",
      "/Third/Tools/checkSign",
      {
        accept: "application/json",
        "content-type": "application/json",
        "x-ca-timestamp": "1646365291734",
        "x-ca-nonce": "787dd0c2-7bd8-41cd-9c19-62c05ea524a2",
        "x-ca-key": "appKey",
        "x-ca-signature-headers": "x-ca-key,x-ca-nonce,x-ca-timestamp",
      },
      Buffer.alloc(0),
    );
    expect(v1).toBe(V1);
    expect(serverSignature("appSecret", undefined, v1)).toBe("EdJSFAMOWyXZOpXhevZnjuS0ZafnwnCqaSk5hz+tXo8=");
    // V2: no X-Ca-Signature-Headers, so x-ca-key is not in the string.
    const v2 = serverStringToSign(
      "GET",
      "/Third/Tools/checkSign",
      { accept: "application/json", "x-ca-key": "appKey" },
      Buffer.alloc(0),
    );
    expect(v2).toBe(V2);
    expect(serverSignature("appSecret", undefined, v2)).toBe("ZpJhkHdtjLTJiR6CJWHL8ikLtPB2z6CoztG21wG3PT4=");
    const v3 = serverStringToSign(
      "POST",
      "/Third/User/getNyAccessToken",
      {
        accept: "application/json",
        "content-type": "application/x-www-form-urlencoded",
        "x-ca-timestamp": "1646646682418",
        "x-ca-nonce": "ca5a6753-b76c-4fff-a9d9-e5bb643e8cdf",
        "x-ca-key": "appKey",
        "x-ca-signature-headers": "x-ca-key,x-ca-nonce,x-ca-timestamp",
      },
      Buffer.from("nickname=nickname&room_id=6893&uuid=uuid&photo=photo"),
    );
    expect(v3).toBe(V3);
    expect(serverSignature("appSecret", undefined, v3)).toBe("gmf9xq0hc95Hmt+7G+OocS009ka3v1v0rvfshKzYc3w=");
  });
});

describe("signAliyunRequest rules", () => {
  it("signs the first value of a repeated key, a bare key for an empty value, raw non-ASCII values", () => {
    const s = sign({ method: "get", url: "http://gw.invalid/a/%E8%B7%AF?z=1&z=2&e=&k&n=%E4%B8%AD+x" });
    expect(s.stringToSign.split("\n").at(-1)).toBe("/a/%E8%B7%AF?e&k&n=中 x&z=1");
    expect(s.stringToSign.startsWith("GET\napplication/json\n")).toBe(true);
  });

  it("HmacSHA1 when asked, declared in a signed header", () => {
    const s = sign({ method: "GET", url: "http://gw.invalid/x", signatureMethod: "HmacSHA1" });
    expect(s.stringToSign).toContain("x-ca-signature-method:HmacSHA1\n");
    const expected = createHmac("sha1", "appSecret").update(s.stringToSign).digest("base64");
    expect(s.headers["x-ca-signature"]).toBe(expected);
  });

  it("signs chosen custom headers and the stage, never its own output headers", () => {
    const s = sign({
      method: "GET",
      url: "http://gw.invalid/x",
      headers: [
        ["X-Tenant", "t1"],
        ["x-ca-signature", "stale"],
        ["x-ca-signature-headers", "stale"],
      ],
      signHeaders: ["X-Tenant"],
      stage: "TEST",
    });
    expect(s.headers["x-ca-signature-headers"]).toBe(
      "x-ca-key,x-ca-nonce,x-ca-stage,x-ca-timestamp,x-tenant",
    );
    expect(s.stringToSign).toContain("x-ca-stage:TEST\nx-ca-timestamp:0\nx-tenant:t1\n/x");
  });

  it("Content-MD5 covers any non-form body, for every method", () => {
    const s = sign({
      method: "PUT",
      url: "http://gw.invalid/x",
      headers: [["content-type", "application/octet-stream"]],
      body: new Uint8Array([0, 255, 1]),
    });
    expect(s.headers["content-md5"]).toBe(contentMd5(new Uint8Array([0, 255, 1])));
    expect(contentMd5(new Uint8Array([0, 255, 1]))).toBe(
      createHash("md5")
        .update(Buffer.from([0, 255, 1]))
        .digest("base64"),
    );
  });
});
