// Byte for byte against Alibaba's own Node SDK (aliyun-api-gateway, a devDependency used only here): the
// same generated requests (methods, paths, queries with empty keys, form and JSON bodies, non-ASCII), the
// same clock and nonce → the same StringToSign and the same signed headers. The SDK sends to the verifying
// fake (plain HTTP on 127.0.0.1, so its disabled TLS checks never come into play), which records what it got.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signAliyunRequest } from "../../src/gateways/aliyun-sign.js";
import { startFakeGateway, type FakeGateway } from "./aliyun-fake.js";

interface SdkOptions {
  headers: Record<string, string | number>;
  data?: unknown;
}
type SdkCall = (url: string, opts: SdkOptions) => Promise<unknown>;
interface SdkClient {
  get: SdkCall;
  post: SdkCall;
  put: SdkCall;
  delete: SdkCall;
}
const { Client } = createRequire(import.meta.url)("aliyun-api-gateway") as {
  Client: new (key: string, secret: string, stage?: string) => SdkClient;
};

const KEY = "203753385";
const SECRET = "gateway-app-secret-0123456789";
const CASES = 150;

/** mulberry32: the same cases on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  contentType: string | undefined;
  data: Record<string, string | number> | undefined;
  form: boolean;
  timestamp: number;
  nonce: string;
}

function generate(count: number): Case[] {
  const r = rng(20260601);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const segments = ["api", "v1", "items", "路径", "é", "a b", "x-y_z.~", "100%", "键"];
  const keys = ["a", "b", "Z", "_k", "中", "a1", "B2", "ключ"];
  const values = ["", "1", "x y", "中文", "a&b=c", "~!*()", "é=ü", "+plus"];
  return Array.from({ length: count }, (_, i) => {
    const method = pick(["GET", "POST", "PUT", "DELETE"] as const);
    const path = Array.from({ length: 1 + Math.floor(r() * 3) }, () => encodeURIComponent(pick(segments)));
    const pool = [...keys].sort(() => r() - 0.5);
    const query = new URLSearchParams();
    for (const k of pool.splice(0, Math.floor(r() * 4))) query.append(k, pick(values));
    const hasBody = method === "POST" || method === "PUT";
    const form = hasBody && r() < 0.5;
    const data: Record<string, string | number> = {};
    if (hasBody)
      for (const k of pool.splice(0, 1 + Math.floor(r() * 3)))
        data[k] = form ? pick(values) : pick([...values, 42]);
    const contentType = !hasBody
      ? undefined
      : form
        ? pick(["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8"])
        : pick(["application/json", "application/json; charset=UTF-8"]);
    const q = query.toString();
    return {
      method,
      url: `/${path.join("/")}${q ? `?${q}` : ""}`,
      contentType,
      data: hasBody ? data : undefined,
      form,
      timestamp: 1_700_000_000_000 + i * 997,
      nonce: `${i.toString(16).padStart(8, "0")}-1111-4222-8333-444455556666`,
    };
  });
}

let gw: FakeGateway;
beforeAll(async () => {
  gw = await startFakeGateway({ keys: { [KEY]: SECRET }, now: () => 1_700_000_000_000 });
});
afterAll(() => gw.close());

describe("signAliyunRequest vs aliyun-api-gateway 1.1.6", () => {
  it(`${CASES} generated requests: identical StringToSign and signed headers, all verified by the fake`, async () => {
    const sdk = new Client(KEY, SECRET, "RELEASE");
    const mismatches: string[] = [];
    for (const c of generate(CASES)) {
      const headers: Record<string, string | number> = {
        "x-ca-timestamp": c.timestamp,
        "x-ca-nonce": c.nonce,
      };
      if (c.contentType) headers["content-type"] = c.contentType;
      // The SDK computes Content-MD5 for POST only; for a PUT body it signs the one it is given.
      if (c.method === "PUT" && !c.form)
        headers["content-md5"] = createHash("md5").update(JSON.stringify(c.data)).digest("base64");
      const call = { GET: sdk.get, POST: sdk.post, PUT: sdk.put, DELETE: sdk.delete }[c.method].bind(sdk);
      await call(gw.url + c.url, { headers, ...(c.data ? { data: c.data } : {}) });
      const got = gw.received.at(-1)!;
      expect(got.verified).toBe(true);

      const ours = signAliyunRequest({
        method: c.method,
        url: gw.url + c.url,
        headers: [
          ["accept", "application/json"],
          ...(c.contentType ? [["content-type", c.contentType] as [string, string]] : []),
        ],
        body: got.body.length ? new Uint8Array(got.body) : null,
        appKey: KEY,
        appSecret: SECRET,
        timestamp: c.timestamp,
        nonce: c.nonce,
        stage: "RELEASE",
      });
      const signed = [
        "x-ca-signature",
        "x-ca-signature-headers",
        "content-md5",
        "x-ca-key",
        "x-ca-nonce",
        "x-ca-timestamp",
        "x-ca-stage",
        "accept",
      ];
      for (const h of signed) {
        if (ours.headers[h] !== undefined && ours.headers[h] !== got.headers[h])
          mismatches.push(`${c.method} ${c.url} ${h}: ours ${ours.headers[h]} sdk ${got.headers[h]}`);
      }
      if (ours.stringToSign !== got.stringToSign)
        mismatches.push(`${c.method} ${c.url}: StringToSign differs`);
      expect(ours.headers["x-ca-signature"]).toBe(got.headers["x-ca-signature"]);
    }
    expect(mismatches).toEqual([]);
    const kinds = new Set(
      gw.received.map((r) => `${r.method}:${r.headers["content-type"]?.split(";")[0] ?? "-"}`),
    );
    expect(kinds.size).toBeGreaterThanOrEqual(6);
    expect(gw.received.some((r) => /\?[^#]*%E4/.test(r.target))).toBe(true);
    expect(gw.received.some((r) => /(\?|&)[^=&]+(&|$)/.test(r.stringToSign.split("\n").at(-1)!))).toBe(true);
  });

  it("repeated keys: the SDK signs 'z=1,2', our signer the first value, which the gateway's rule verifies", async () => {
    const sdk = new Client(KEY, SECRET, "RELEASE");
    const headers = {
      "x-ca-timestamp": 1_700_000_000_000,
      "x-ca-nonce": "repeat-0000-4000-8000-000000000001",
    };
    const refused = await sdk.get(`${gw.url}/r?z=1&z=2`, { headers }).then(
      () => "accepted",
      (e: Error) => e.message,
    );
    expect(refused).toContain("Invalid Signature");
    const ours = signAliyunRequest({
      method: "GET",
      url: `${gw.url}/r?z=1&z=2`,
      headers: [],
      body: null,
      appKey: KEY,
      appSecret: SECRET,
      timestamp: 1_700_000_000_000,
      nonce: "repeat-0000-4000-8000-000000000002",
    });
    expect(ours.stringToSign.endsWith("\n/r?z=1")).toBe(true);
    const res = await fetch(`${gw.url}/r?z=1&z=2`, { headers: ours.headers });
    expect(res.status).toBe(200);
  });
});
