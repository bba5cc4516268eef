// climc's credential-create-aksk / credential-get-aksk. Calls the identity API directly (POST/GET
// /credentials, type `aksk`) until the library's access-key helpers land: the client picks the secret (32
// random characters, base64url, as mcclient does) and the server-generated credential id is the access key.

import { errorFields } from "../errorbody.js";
import type { Cloudpods } from "../client.js";
import { HttpError } from "../errors.js";
import { PLACEHOLDER_BASE } from "../session.js";
import { queryString } from "./request.js";

export interface AccessKey {
  access_key: string;
  secret: string;
  project_id?: string | undefined;
  expire?: number | undefined;
  created_at?: string | undefined;
}

async function call(cp: Cloudpods, method: string, path: string, body?: unknown): Promise<unknown> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = JSON.stringify(body);
  if (body !== undefined) init.headers = { "Content-Type": "application/json" };
  const res = await cp.fetchFor("identity")(new Request(`${PLACEHOLDER_BASE}${path}`, init));
  const text = await res.text();
  if (!res.ok) {
    throw new HttpError({ ...errorFields(res, text, cp.auth.secrets()), method, url: res.url || path });
  }
  return text ? (JSON.parse(text) as unknown) : undefined;
}

function randomSecret(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const raw = [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
  return Buffer.from(raw).toString("base64url").replace(/=+$/, "");
}

export async function createAccessKey(
  cp: Cloudpods,
  o: { userId?: string | undefined; projectId?: string | undefined },
): Promise<AccessKey> {
  const secret = randomSecret();
  const credential: Record<string, unknown> = {
    type: "aksk",
    blob: JSON.stringify({ expire: 0, secret }),
    name: `${o.userId ?? ""}-${o.projectId ?? ""}-${Math.floor(Date.now() / 1000)}`,
  };
  if (o.userId !== undefined) credential.user_id = o.userId;
  if (o.projectId !== undefined) credential.project_id = o.projectId;
  const data = (await call(cp, "POST", "/credentials", { credential })) as {
    credential?: Record<string, unknown>;
  };
  const c = data?.credential ?? {};
  return {
    access_key: String(c.id ?? ""),
    secret,
    project_id: typeof c.project_id === "string" ? c.project_id : undefined,
    created_at: typeof c.created_at === "string" ? c.created_at : undefined,
  };
}

export async function listAccessKeys(
  cp: Cloudpods,
  o: { userId?: string | undefined; projectId?: string | undefined },
): Promise<AccessKey[]> {
  const query: Record<string, unknown> = {
    type: "aksk",
    details: true,
    user_id: o.userId,
    project_id: o.projectId,
  };
  const data = (await call(cp, "GET", `/credentials${queryString(query)}`)) as { credentials?: unknown[] };
  return (data?.credentials ?? []).map((raw) => {
    const c = raw as Record<string, unknown>;
    let blob: Record<string, unknown> = {};
    try {
      blob = JSON.parse(String(c.blob ?? "{}")) as Record<string, unknown>;
    } catch {
      // a blob that is not JSON: listed without its secret
    }
    return {
      access_key: String(c.id ?? ""),
      secret: typeof blob.secret === "string" ? blob.secret : "",
      project_id: typeof c.project_id === "string" ? c.project_id : undefined,
      expire: typeof blob.expire === "number" ? blob.expire : undefined,
      created_at: typeof c.created_at === "string" ? c.created_at : undefined,
    };
  });
}
