// Replays recorded Cloudpods exchanges (test/fixtures/cloudpods-real) against a sandbox: recorded ids and
// tokens are mapped to the sandbox's as answers come back, AK/SK bodies are re-signed for the sandbox's
// credential, and each answer is compared in shape with the recorded one.
import { readFileSync } from "node:fs";
import { akskSign } from "../../src/auth/aksk.js";
import type { Sandbox } from "../../src/sandbox/index.js";

type Json = Record<string, unknown>;

export interface Exchange {
  file: string;
  label: string;
  time: string;
  request: { method: string; path: string; query: string; headers: Record<string, string>; body: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

export const loadGroup = (group: string): Exchange[] =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/cloudpods-real/3.10-${group}.json`, import.meta.url), "utf8"),
  ) as Exchange[];

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export class Replayer {
  readonly ids = new Map<string, string>();
  /** access key → secret, from recorded credential creates. */
  private readonly secrets = new Map<string, string>();

  constructor(private readonly sb: Sandbox) {}

  private map(text: string): string {
    let out = text;
    for (const [from, to] of this.ids) if (from.length >= 8) out = out.split(from).join(to);
    return out;
  }

  private base(path: string, file: string): string {
    const origin = (url: string): string => new URL(url).origin;
    if (path.startsWith("/api/s/") || file.startsWith("gateway")) return origin(this.sb.gatewayAuthUrl);
    if (path.startsWith("/v3")) return origin(this.sb.authUrl);
    const pick = (type: string): string =>
      origin(
        this.sb.endpoints.find(
          (e) => e.serviceType === type && e.region === "region0" && e.interface === "public",
        )!.url,
      );
    if (path.startsWith("/v1")) return pick("image");
    return pick("compute_v2");
  }

  async send(x: Exchange): Promise<Answer> {
    const { request: q } = x;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(q.headers)) headers[k] = this.map(v);
    let body: BodyInit | undefined;
    if (typeof q.body === "string" && /^<\d+ characters of image bytes, elided>$/.test(q.body)) {
      body = new Uint8Array(Number(/\d+/.exec(q.body)![0]));
    } else if (q.body !== undefined && q.body !== null) {
      body = await this.aksk(this.map(JSON.stringify(q.body)), x);
    }
    const res = await fetch(this.base(q.path, x.file) + this.map(q.path) + this.map(q.query), {
      method: q.method,
      headers,
      body: body ?? null,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : "";
    } catch {
      /* a download or a bare answer */
    }
    const answer = { status: res.status, headers: res.headers, body: parsed };
    this.learn(x, answer);
    return answer;
  }

  /** An AK/SK login signed again for the sandbox's credential (a wrong secret where the recording had one). */
  private async aksk(text: string, x: Exchange): Promise<string> {
    const body = JSON.parse(text) as Json;
    const identity = (body.auth as Json | undefined)?.identity as Json | undefined;
    if (!identity || !(identity.methods as string[]).includes("aksk")) return text;
    const req = JSON.parse(String(identity.access_key_secret)) as Json;
    const accessKey = String(req.access_key);
    const secret = this.secrets.get(accessKey);
    if (!secret) return text; // an unknown key stays unknown
    const wrong = x.response.status === 401;
    return (
      await akskSign({
        authUrl: this.sb.authUrl,
        accessKey,
        secret: wrong ? secret + "x" : secret,
        now: Date.now(),
      })
    ).body;
  }

  private learn(x: Exchange, a: Answer): void {
    const rec = x.response;
    const recToken = rec.headers["x-subject-token"];
    const ourToken = a.headers.get("x-subject-token");
    if (recToken && ourToken && x.request.method === "POST") this.ids.set(recToken, ourToken);
    const reqBody = x.request.body as Json | undefined;
    const cred = reqBody?.credential as Json | undefined;
    if (!isObj(rec.body) || !isObj(a.body)) return;
    for (const [k, v] of Object.entries(rec.body)) {
      const ours = a.body[k];
      if (isObj(v) && isObj(ours)) this.pair(v, ours);
      if (Array.isArray(v) && Array.isArray(ours))
        v.forEach((item, i) => isObj(item) && isObj(ours[i]) && this.pair(item, ours[i] as Json));
    }
    const token = rec.body.token as Json | undefined;
    const ourTokenBody = a.body.token as Json | undefined;
    if (isObj(token) && isObj(ourTokenBody)) {
      for (const k of ["user", "project"]) {
        if (isObj(token[k]) && isObj(ourTokenBody[k])) this.pair(token[k] as Json, ourTokenBody[k] as Json);
      }
      const roles = (ourTokenBody.roles ?? []) as Json[];
      ((token.roles ?? []) as Json[]).forEach((r) => {
        const same = roles.find((o) => o.name === r.name);
        if (same) this.pair(r, same);
      });
    }
    if (cred?.type === "aksk" && isObj(a.body.credential)) {
      const secret = String((JSON.parse(String(cred.blob)) as Json).secret);
      this.secrets.set(String(a.body.credential.id), secret);
      this.secrets.set(String((rec.body.credential as Json).id), secret);
    }
  }

  private pair(rec: Json, ours: Json): void {
    if (
      typeof rec.id === "string" &&
      typeof ours.id === "string" &&
      !this.ids.has(rec.id) &&
      rec.id !== ours.id
    )
      this.ids.set(rec.id, ours.id);
  }
}

export type JsonType = "null" | "array" | "object" | "string" | "number" | "boolean";
export const typeOf = (v: unknown): JsonType =>
  v === null ? "null" : Array.isArray(v) ? "array" : (typeof v as JsonType);

/** Differences in shape: envelope keys, error class, and the JSON types of the fields both sides have. */
export function shapeDiff(recorded: unknown, ours: unknown): { problems: string[]; missing: string[] } {
  const problems: string[] = [];
  const missing: string[] = [];
  if (typeOf(recorded) !== typeOf(ours))
    return { problems: [`body ${typeOf(recorded)} vs ${typeOf(ours)}`], missing };
  if (!isObj(recorded) || !isObj(ours)) return { problems, missing };
  const rk = Object.keys(recorded).sort().join(",");
  const ok = Object.keys(ours).sort().join(",");
  // A list that is empty on one side only (the sandbox seeds a zone, a host, ...): each side must then
  // follow the envelope rule for its own length instead of matching the other's keys.
  const plural = Object.keys(recorded).find((k) => Array.isArray(recorded[k]) && Array.isArray(ours[k]));
  const len = (b: Json): number => (plural ? (b[plural] as unknown[]).length : -1);
  if (plural && plural !== "role_assignments" && (len(recorded) === 0) !== (len(ours) === 0)) {
    for (const [side, b] of [
      ["recorded", recorded],
      ["sandbox", ours],
    ] as const) {
      const keys = Object.keys(b);
      const ok =
        len(b) === 0
          ? keys.length === 1
          : ["limit", "total"].every((k) => k in b) &&
            keys.every((k) => [plural, "limit", "total", "offset", "totals"].includes(k));
      if (!ok) problems.push(`${side} list envelope {${keys.sort().join(",")}} breaks the rule`);
    }
  } else if (rk !== ok) problems.push(`envelope keys {${rk}} vs {${ok}}`);
  if ("class" in recorded && recorded.class !== ours.class)
    problems.push(`class ${String(recorded.class)} vs ${String(ours.class)}`);
  const objects = (v: unknown): Json[] =>
    isObj(v) ? [v] : Array.isArray(v) ? v.filter(isObj).slice(0, 1) : [];
  for (const [k, v] of Object.entries(recorded)) {
    const [r] = objects(v);
    const [o] = objects(ours[k]);
    if (!r || !o) continue;
    for (const [field, value] of Object.entries(r)) {
      if (!(field in o)) missing.push(`${k}.${field}`);
      else if (typeOf(value) !== typeOf(o[field]) && value !== null)
        problems.push(`${k}.${field}: ${typeOf(value)} vs ${typeOf(o[field])}`);
    }
  }
  return { problems, missing };
}
