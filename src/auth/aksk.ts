// Cloudpods AK/SK login (cloudpods-auth.md §1): not per-request signing but a one-time token exchange. The
// client SigV4-signs (S3 style, location cn-beijing) a virtual POST {authUrl}/auth/tokens that is never sent,
// and only the derived values travel, as a JSON string in `identity.access_key_secret`. WebCrypto only, so
// this runs unchanged in browsers, Deno, Bun and Node >= 20.

import { normalizeAuthUrl } from "../catalog.js";

const ALGORITHM = "AWS4-HMAC-SHA256";
const LOCATION = "cn-beijing"; // hard-coded by mcclient (aksk.go:85)
const SIGNED_HEADERS = ["date", "host", "x-amz-content-sha256", "x-amz-date"];
const utf8 = new TextEncoder();

export interface AkskInput {
  authUrl: string;
  accessKey: string;
  secret: string;
  /** The signing time: epoch milliseconds or a Date. Only whole seconds are used, as Go does. */
  now: number | Date;
  /**
   * `auth.context.source`. Default "api": what mcclient's Client.Authenticate sends and what keystone assumes
   * when none is sent; "cli" would label SDK logins as climc's in Cloudpods' login records. "" drops `context`.
   */
  source?: string | undefined;
}

/** Every value the signer derives, exposed so tests can check each step against the reference vectors. */
export interface AkskSignature {
  /** The seed body whose hash is the payload hash. */
  seedBody: string;
  payloadHash: string;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  /** The exact POST body; `identity.access_key_secret` in it is the signed JSON string. */
  body: string;
}

const hex = (b: ArrayBuffer): string =>
  Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");

export const sha256Hex = async (text: string): Promise<string> =>
  hex(await crypto.subtle.digest("SHA-256", utf8.encode(text)));

const hmac = async (key: BufferSource, msg: string): Promise<ArrayBuffer> =>
  crypto.subtle.sign(
    "HMAC",
    await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
    utf8.encode(msg),
  );

/** kDate, kRegion, kService, kSigning. The first key is "AWS4" + the secret TEXT, not its base64 decoding. */
export async function signingKeys(
  secret: string,
  yyyymmdd: string,
  location = LOCATION,
): Promise<ArrayBuffer[]> {
  const keys: ArrayBuffer[] = [];
  let key: BufferSource = utf8.encode("AWS4" + secret);
  for (const part of [yyyymmdd, location, "s3", "aws4_request"]) keys.push((key = await hmac(key, part)));
  return keys;
}

/**
 * Host and path of a URL as Go's http.NewRequest sees them: the authority as written (`new URL` would drop
 * a default port such as :443, and the port is signed). The path is kept as written: s3auth's encodePath
 * only differs for characters outside [A-Za-z0-9-_.~/], which no keystone URL has, and keystone does not
 * rebuild the canonical request anyway (§1.6).
 */
export function splitUrl(url: string): { host: string; path: string } {
  const m = /^(?:[^/]*\/\/)?(?:[^/?#]*@)?([^/?#]*)([^?#]*)/.exec(url)!;
  return { host: m[1]!, path: m[2] || "/" };
}

export async function akskSign({
  authUrl,
  accessKey,
  secret,
  now,
  source = "api",
}: AkskInput): Promise<AkskSignature> {
  const base = normalizeAuthUrl(authUrl);
  const { host, path } = splitUrl(base + "/auth/tokens");
  // The bytes jsonutils.jsonEncode writes (see jsonutils.ts), by JSON.stringify: keys are written in sorted
  // order, and the only values that can be empty (accessKey, source) become undefined, which JSON.stringify
  // drops as jsonutils' omitempty does. A unit test checks the parity on empty values.
  const envelope = (aks: string): string =>
    JSON.stringify({
      auth: {
        context: source ? { source } : undefined,
        identity: { access_key_secret: aks, methods: ["aksk"] },
      },
    });
  const seed = { access_key: accessKey || undefined, algorithm: ALGORITHM, location: LOCATION };
  const seedBody = envelope(JSON.stringify(seed));
  const payloadHash = await sha256Hex(seedBody);

  const t = new Date(now);
  const iso = t.toISOString().slice(0, 19); // 2026-08-21T06:27:58
  const amzDate = iso.replace(/[-:]/g, "") + "Z";
  const ymd = amzDate.slice(0, 8);
  const date = t.toUTCString().replace("GMT", "UTC"); // Go's time.RFC1123 prints the zone name literally

  const headers = `date:${date}\nhost:${host}\nx-amz-content-sha256:${payloadHash}\nx-amz-date:${amzDate}\n`;
  const canonicalRequest = ["POST", path, "", headers, SIGNED_HEADERS.join(";"), payloadHash].join("\n");
  const stringToSign = [
    ALGORITHM,
    amzDate,
    `${ymd}/${LOCATION}/s3/aws4_request`,
    await sha256Hex(canonicalRequest),
  ].join("\n");
  const kSigning = (await signingKeys(secret, ymd))[3]!;
  const signature = hex(await hmac(kSigning, stringToSign));
  const accessKeySecret = JSON.stringify({
    ...seed,
    request: stringToSign,
    sign_date: iso + ".000000Z",
    signature,
    signed_headers: SIGNED_HEADERS,
  });
  return {
    seedBody,
    payloadHash,
    canonicalRequest,
    stringToSign,
    signature,
    body: envelope(accessKeySecret),
  };
}

/** The exact JSON body POSTed to {authUrl}/auth/tokens for an AK/SK login. It carries no scope. */
export const akskAuthBody = async (input: AkskInput): Promise<string> => (await akskSign(input)).body;
