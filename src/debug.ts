// `climc --debug` style request logging: each request as a curl command line. Tokens are replaced by
// `{SHA256}<first 8 hex of sha256>`, which lets two log lines be compared ("same token?") without showing
// it; passwords, secrets and private keys by `***`, since an unsalted hash prefix of a low-entropy password
// can be looked up in a dictionary offline. Only runs when a debug sink is set, so none of this is on the hot
// path.

/** Receives one log line per request and one per response. */
export type DebugSink = (line: string) => void;

import { scrub } from "./errorbody.js";

const SECRET_HEADERS = new Set([
  "x-auth-token",
  "x-subject-token",
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
]);

/** `{SHA256}` + the first 8 hex digits of the SHA-256 of `value` (WebCrypto, so it runs anywhere). */
export async function redactValue(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  let hex = "";
  for (const b of new Uint8Array(digest, 0, 4)) hex += b.toString(16).padStart(2, "0");
  return `{SHA256}${hex}`;
}

/** Keys whose string values are never shown, in JSON bodies and URL queries. */
const SECRET_KEY = /pass(word|wd)|pwd|secret|private.?key|api.?key|credential|totp|token/i;
/** JSON keys whose values are hashed rather than hidden, so two lines can be matched. */
const TOKEN_KEY = /^token$/i;

/** A string that holds a JSON object or array (e.g. a credential's `blob`), redacted and re-serialised. */
async function redactString(s: string): Promise<string> {
  if (!/^\s*[[{]/.test(s)) return s;
  try {
    return JSON.stringify(await redactTree(JSON.parse(s), undefined));
  } catch {
    return s;
  }
}

async function redactTree(value: unknown, parent: string | undefined): Promise<unknown> {
  if (typeof value === "string") return redactString(value);
  if (Array.isArray(value)) return Promise.all(value.map((v) => redactTree(v, parent)));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const str = typeof v === "string";
    out[k] =
      str && (TOKEN_KEY.test(k) || (k === "id" && parent === "token"))
        ? await redactValue(v)
        : str && SECRET_KEY.test(k)
          ? "***"
          : await redactTree(v, k);
  }
  return out;
}

/**
 * A JSON body with password, secret (access_key_secret, ...) and private key values shown as `***` and
 * token and token.id values hashed, at any depth and also inside strings that hold JSON (a credential's
 * `blob`). A body that is not JSON is shown as `<n bytes>` rather than risk printing a credential in an
 * unknown format.
 */
export async function redactBody(text: string): Promise<string> {
  try {
    return JSON.stringify(await redactTree(JSON.parse(text), undefined));
  } catch {
    return `<${text.length} bytes, not JSON>`;
  }
}

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * The request as a shell-quoted curl command. `secrets` (passwords, tokens, keys the auth plugin knows)
 * are replaced by `***` wherever they still appear, as a last line of defence (a password's hash must not
 * be printed either).
 */
export async function curlCommand(
  method: string,
  url: string,
  headers: Iterable<[string, string]>,
  body: string | Uint8Array | null | undefined,
  secrets: readonly string[] = [],
): Promise<string> {
  if (body && typeof body !== "string") body = new TextDecoder().decode(body);
  // Each part is scrubbed before it is shell-quoted: quoting would change a secret holding a `'`.
  const part = (text: string): string => quote(scrub(text, secrets)!);
  let line = `curl -v -X ${method}`;
  for (const [name, value] of headers) {
    const shown = SECRET_HEADERS.has(name.toLowerCase()) ? await redactValue(value) : value;
    line += ` -H ${part(`${name}: ${shown}`)}`;
  }
  if (body) line += ` -d ${part(await redactBody(body))}`;
  return `${line} ${part(redactQuery(url))}`;
}

/** `url` with the values of secret-named query parameters (`?password=`, `access_token=`) as `***`. */
function redactQuery(url: string): string {
  return url.replace(/([?&])([^=&#]*)=([^&#]*)/g, (m, sep: string, key: string) => {
    let name = key;
    try {
      name = decodeURIComponent(key);
    } catch {
      // a malformed escape: judged as written
    }
    return SECRET_KEY.test(name) ? `${sep}${key}=***` : m;
  });
}

/** The response summary: status and request id, never headers or body. */
export function responseLine(method: string, url: string, res: Response): string {
  const id = res.headers.get("x-request-id");
  const q = url.indexOf("?");
  return `${res.status} ${method} ${q < 0 ? url : url.slice(0, q)}${id ? ` (request id ${id})` : ""}`;
}
