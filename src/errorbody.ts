// Reading a failed answer's body into Cloudpods' error fields, rebuilding it as the flat body the typed
// `error` promises, and scrubbing secrets the server echoed. Imported statically: as a lazy chunk it saved
// under 1 kB and cost every caller a dynamic import.

/** The Cloudpods error fields of a response body, whatever shape the server used (flat, OpenStack, foreign). */
export interface ErrorBody {
  class?: string | undefined;
  details?: string | undefined;
}

/** The first of `keys` whose value in `o` is a non-empty string. */
const first = (o: Record<string, unknown>, ...keys: string[]): string | undefined =>
  keys.map((k) => o[k]).find((v): v is string => typeof v === "string" && v !== "");

/**
 * Reads an error body the way mcclient's ParseJSONResponse does: the flat `{class, code, details}` first,
 * then one wrapped object (OpenStack `{"error": {code, title, message}}`) with message/title aliases, then
 * plain text. HTML pages are reduced to their <title> so no markup or echoed input reaches a message.
 */
export function parseErrorBody(
  text: string,
  contentType: string | null,
  secrets: readonly string[] = [],
): ErrorBody {
  // Scrubbed first: a cut made before would leave a prefix of a secret that no longer matches it whole.
  const t = scrub(text, secrets)!.trim();
  if (t === "") return {};
  if (t[0] === "{") {
    try {
      let o = JSON.parse(t) as Record<string, unknown>;
      const only = Object.values(o);
      if (!first(o, "class", "details") && only.length === 1 && only[0] && typeof only[0] === "object")
        o = only[0] as Record<string, unknown>;
      // A numeric `code` is the HTTP status again, not a class.
      const code = first(o, "code")?.replace(/^\d+$/, "");
      return {
        // `error` / `error_description`: OAuth 2 (RFC 6749 §5.2) token endpoints, e.g. KubeSphere's.
        class: first(o, "class", "title", "type", "error_code", "error") ?? (code || undefined),
        details: first(o, "details", "message", "detail", "error_msg", "error_description"),
      };
    } catch {
      // fall through: a body that merely starts with "{" is treated as text
    }
  }
  if (contentType?.includes("html") || /^<(!doctype|html)/i.test(t)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(t)?.[1]?.trim();
    return { details: title ? `HTML page: ${title}` : "HTML page" };
  }
  return { details: t.length > 200 ? `${t.slice(0, 200)}…` : t };
}

/** JSON string content of `s` (what a server echoing a JSON body shows), without the quotes. */
const jsonInner = (s: string): string => JSON.stringify(s).slice(1, -1);

/**
 * Every form a secret may be echoed in: raw, JSON-escaped once and twice (an error quoting a JSON body that
 * quotes the request), URL-encoded (a query, a form body) with `%20` or `+` for spaces, and JSON-escaped
 * with non-ASCII as `\uXXXX` (Go's encoder for some runes). Secrets shorter than 4 characters are not
 * scrubbed: they would eat ordinary text and hide nothing.
 */
export function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < 4) continue;
    const once = jsonInner(s);
    const url = encodeURIComponent(s);
    const ascii = once.replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    for (const f of [s, once, jsonInner(once), url, url.replaceAll("%20", "+"), ascii, jsonInner(ascii)]) {
      forms.add(f);
    }
  }
  // Longest first, so a secret inside a longer one leaves no fragment.
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * Replaces every occurrence of each secret, in any of its encoded forms, with `***`. Defence in depth for
 * server-provided text (error `details` can echo request input).
 */
export function scrub(text: string | undefined, secrets: readonly string[]): string | undefined {
  if (text === undefined || !secrets.length) return text;
  for (const f of secretForms(secrets)) if (text.includes(f)) text = text.split(f).join("***");
  return text;
}

/** The HttpError fields of a failed answer whose body was read as `text`, with `secrets` scrubbed out. */
export function errorFields(res: Response, text: string, secrets: readonly string[] = []) {
  const e = parseErrorBody(text, res.headers.get("content-type"), secrets);
  return {
    status: res.status,
    requestId: res.headers.get("x-request-id") ?? res.headers.get("x-openstack-request-id") ?? undefined,
    class: e.class,
    details: e.details,
  };
}

/** Reason phrases for answers that carry none (HTTP/2, undici.request): `details` of an empty error body. */
const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
 * A failed answer whose body openapi-fetch will hand back as the flat Cloudpods `{code, class, details}`: a
 * flat body (`class` and a numeric `code`) keeps its bytes; an OpenStack `{"error": {...}}` body, an HTML
 * page, plain text or an empty body is rebuilt as one (class `Http<status>` when none can be read, details
 * the status text for an empty body), secrets scrubbed. Status, status text, headers and `url` are kept (the
 * content type of a rebuilt body becomes JSON). Reading the original ends the plain-fetch transport's timer.
 */
export async function errorResponse(res: Response, secrets: readonly string[] = []): Promise<Response> {
  const bytes = await res.arrayBuffer();
  const raw = new TextDecoder().decode(bytes);
  // A flat body that echoes a secret (a token in `details`) is passed on scrubbed, as JSON text: each
  // secret's JSON-escaped forms are among those replaced, so the text stays valid JSON.
  const text = scrub(raw, secrets)!;
  const { status, statusText } = res;
  const headers = new Headers(res.headers);
  let body: BodyInit = text === raw ? bytes : text;
  if (text !== raw) headers.delete("content-length");
  try {
    const o = JSON.parse(text) as Record<string, unknown> | null;
    if (typeof o?.class !== "string" || typeof o.code !== "number") throw 0;
  } catch {
    const e = errorFields(res, text, secrets);
    for (const h of ["content-length", "content-encoding", "transfer-encoding"]) headers.delete(h);
    headers.set("content-type", "application/json");
    body = JSON.stringify({
      code: status,
      class: e.class ?? `Http${status}`,
      details: e.details ?? (statusText || REASONS[status] || `HTTP ${status}`),
    });
  }
  // A constructed Response has no `url`; callers that name the request read it.
  return Object.defineProperty(new Response(body, { status, statusText, headers }), "url", {
    value: res.url,
  });
}
