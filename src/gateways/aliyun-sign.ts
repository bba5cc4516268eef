// Alibaba Cloud API Gateway's digest signature (gateways.md §2.4), as one pure function: same inputs, same
// clock and nonce, same headers. Synchronous and web-standard (@noble/hashes: WebCrypto has no MD5), so the
// session can sign each attempt right before it is sent, after the body is final.

import { hmac } from "@noble/hashes/hmac.js";
import { md5, sha1 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";

export type AliyunSignatureMethod = "HmacSHA256" | "HmacSHA1";

export interface AliyunSignInput {
  method: string;
  /** The final URL: its path and query are signed. */
  url: string;
  /** The request's headers (any case); every `x-ca-*` one is signed. */
  headers: Iterable<[string, string]>;
  /** The exact bytes sent. A form body's fields are signed; any other body is covered by Content-MD5. */
  body: Uint8Array | null | undefined;
  appKey: string;
  appSecret: string;
  /** Epoch ms (`X-Ca-Timestamp`; the gateway accepts 15 minutes of skew). */
  timestamp: number;
  /** A fresh UUID per attempt (`X-Ca-Nonce`): the gateway refuses a nonce it has seen. */
  nonce: string;
  /**
   * Sent as `X-Ca-Signature-Method` (and signed) when given. Absent: HmacSHA256 and no header, the gateway's
   * default and what Alibaba's Node SDK sends.
   */
  signatureMethod?: AliyunSignatureMethod | undefined;
  /** `X-Ca-Stage` (RELEASE, PRE, TEST); not sent when absent, the gateway then uses RELEASE. */
  stage?: string | undefined;
  /** Extra header names to sign beside the `x-ca-*` ones. */
  signHeaders?: readonly string[] | undefined;
}

export interface AliyunSignature {
  stringToSign: string;
  /** Every header to set on the request (lower-case names), the signature included. */
  headers: Record<string, string>;
}

const FORM = "application/x-www-form-urlencoded";
// Part of the fixed lines of the string, or the signature itself: never in the Headers block.
const UNSIGNED = new Set([
  "x-ca-signature",
  "x-ca-signature-headers",
  "accept",
  "content-md5",
  "content-type",
  "date",
]);

const base64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const utf8 = new TextEncoder();

/** `Base64(MD5(body))`, the Content-MD5 of a non-form body. */
export const contentMd5 = (body: Uint8Array): string => base64(md5(body));

/**
 * The path, then the query parameters and form fields sorted by key (UTF-16 order, as Java's TreeMap and the
 * Node SDK): `key=value`, or `key` alone for an empty value; raw (decoded) values. A repeated key signs its
 * first value (the gateway's rule), query before form.
 */
export function pathAndParameters(url: URL, form: string | undefined): string {
  const params = new Map<string, string>();
  const add = (p: URLSearchParams) => {
    for (const [k, v] of p) if (!params.has(k)) params.set(k, v);
  };
  add(url.searchParams);
  if (form !== undefined) add(new URLSearchParams(form));
  if (params.size === 0) return url.pathname;
  const keys = [...params.keys()].sort();
  return `${url.pathname}?${keys.map((k) => (params.get(k) ? `${k}=${params.get(k)}` : k)).join("&")}`;
}

export function signAliyunRequest(input: AliyunSignInput): AliyunSignature {
  const method = input.signatureMethod ?? "HmacSHA256";
  const h = new Map<string, string>();
  for (const [k, v] of input.headers) h.set(k.toLowerCase(), v);
  const out: Record<string, string> = {};
  const set = (k: string, v: string) => h.set(k, (out[k] = v));
  // Some HTTP clients add `Accept: */*` on their own, after signing: an explicit one is signed instead.
  if (!h.has("accept")) set("accept", "application/json");
  const type = h.get("content-type") ?? "";
  const isForm = type.toLowerCase().startsWith(FORM);
  const body = input.body && input.body.length > 0 ? input.body : undefined;
  if (body && !isForm) set("content-md5", contentMd5(body));
  set("x-ca-key", input.appKey);
  set("x-ca-timestamp", String(input.timestamp));
  set("x-ca-nonce", input.nonce);
  if (input.signatureMethod) set("x-ca-signature-method", method);
  if (input.stage !== undefined) set("x-ca-stage", input.stage);

  const extra = new Set(input.signHeaders?.map((n) => n.toLowerCase()));
  const signed = [...h.keys()]
    .filter((k) => (k.startsWith("x-ca-") || extra.has(k)) && !UNSIGNED.has(k))
    .sort();
  const form = isForm && body ? new TextDecoder().decode(body) : undefined;
  const stringToSign =
    `${input.method.toUpperCase()}\n${h.get("accept") ?? ""}\n${h.get("content-md5") ?? ""}\n${type}\n` +
    `${h.get("date") ?? ""}\n${signed.map((k) => `${k}:${h.get(k)}\n`).join("")}` +
    pathAndParameters(new URL(input.url), form);
  const mac = hmac(
    method === "HmacSHA1" ? sha1 : sha256,
    utf8.encode(input.appSecret),
    utf8.encode(stringToSign),
  );
  out["x-ca-signature-headers"] = signed.join(",");
  out["x-ca-signature"] = base64(mac);
  return { stringToSign, headers: out };
}
