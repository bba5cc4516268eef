// Cloudpods access keys (AK/SK) the way `climc credential-create-aksk` / `credential-get-aksk` make and read
// them: an identity credential of type `aksk` whose id is the access key and whose `blob` is the JSON STRING
// `{"expire":<unix s>,"secret":"..."}`. The CLIENT picks the secret (climc: base64url of 32 random letters
// and digits), so it is known here before the server answers and is scrubbed from any error the server
// sends back. The debug log already shows a blob's secret as `***` (debug.ts redacts JSON inside strings).

import type { Client } from "openapi-fetch";
import type { paths as IdentityPaths } from "../generated/identity.js";
import { invalidConfig } from "./errors.js";
import { paginate } from "./paginate.js";
import { failed, resultError } from "./result-error.js";

export interface CreateAccessKeyInput {
  /** Credential name. Default `aksk-<unix seconds>-<4 hex>` (climc uses `<user>-<project>-<unix seconds>`). */
  name?: string | undefined;
  /** When the key stops working. Default: never (the blob's `expire: 0`). */
  expire?: Date | undefined;
}

export interface CreatedAccessKey {
  accessKey: string;
  /** Shown once: Cloudpods can list it again, but nothing here logs it. */
  secret: string;
  projectId: string | undefined;
  expire: Date | undefined;
  createdAt: Date | undefined;
}

export interface AccessKeyEntry {
  accessKey: string;
  name: string | undefined;
  projectId: string | undefined;
  userId: string | undefined;
  enabled: boolean | undefined;
  /** undefined: never expires. */
  expire: Date | undefined;
  createdAt: Date | undefined;
  /** Only with `listAccessKeys({ withSecret: true })`. */
  secret?: string;
}

export interface ListAccessKeysOptions {
  /** Also return each key's secret. Default false. */
  withSecret?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

type Identity = Client<IdentityPaths>;
type Secrets = () => readonly string[];

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** base64url (padded, as Go's base64.URLEncoding) of 32 random letters and digits: climc's secret format. */
export function randomSecret(): string {
  let text = "";
  // Rejection sampling: 248 = 4 * 62 keeps every character equally likely.
  while (text.length < 32) {
    for (const b of crypto.getRandomValues(new Uint8Array(48))) {
      if (b < 248 && text.length < 32) text += ALPHANUMERIC[b % 62];
    }
  }
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_");
}

const time = (v: unknown): Date | undefined => {
  const ms = typeof v === "string" ? Date.parse(v) : NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms);
};

/** The blob's fields; a blob that is not the aksk JSON gives nothing rather than failing the whole list. */
function readBlob(blob: unknown): { expire: Date | undefined; secret: string | undefined } {
  try {
    const b = JSON.parse(typeof blob === "string" ? blob : "") as { expire?: unknown; secret?: unknown };
    const expire = typeof b.expire === "number" && b.expire > 0 ? new Date(b.expire * 1000) : undefined;
    return { expire, secret: typeof b.secret === "string" ? b.secret : undefined };
  } catch {
    return { expire: undefined, secret: undefined };
  }
}

export async function createAccessKey(
  identity: Identity,
  secrets: Secrets,
  input: CreateAccessKeyInput = {},
): Promise<CreatedAccessKey> {
  const { name, expire } = input;
  if (name !== undefined && (typeof name !== "string" || name.trim() === "")) {
    throw invalidConfig("createAccessKey: name must be a non-empty string");
  }
  if (expire !== undefined && (!(expire instanceof Date) || Number.isNaN(expire.getTime()))) {
    throw invalidConfig("createAccessKey: expire must be a valid Date");
  }
  const expireS = expire ? Math.floor(expire.getTime() / 1000) : 0;
  if (expire && expireS <= Math.floor(Date.now() / 1000)) {
    throw invalidConfig("createAccessKey: expire is in the past");
  }
  const secret = randomSecret();
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(2)), (b) =>
    b.toString(16).padStart(2, "0"),
  );
  const r = await identity.POST("/credentials", {
    body: {
      credential: {
        type: "aksk",
        blob: JSON.stringify({ expire: expireS, secret }),
        name: name ?? `aksk-${Math.floor(Date.now() / 1000)}-${suffix.join("")}`,
      },
    },
  });
  if (failed(r)) throw resultError("POST", "/credentials", r, [secret, ...secrets()]);
  const c = r.data?.credential;
  if (typeof c?.id !== "string" || c.id === "") {
    throw resultError(
      "POST",
      "/credentials",
      { ...r, error: { details: "the answer has no credential id" } },
      [secret],
    );
  }
  return {
    accessKey: c.id,
    secret,
    projectId: c.project_id,
    expire: expireS ? new Date(expireS * 1000) : undefined,
    createdAt: time(c.created_at),
  };
}

export async function listAccessKeys(
  identity: Identity,
  secrets: Secrets,
  options: ListAccessKeysOptions = {},
): Promise<AccessKeyEntry[]> {
  const get = identity.GET as unknown as (path: string, init: object) => ReturnType<Identity["GET"]>;
  const out: AccessKeyEntry[] = [];
  // Every blob holds a secret: each one found is scrubbed from a later page's error too.
  const seen: string[] = [];
  const pages = paginate<Record<string, unknown>>(
    (query) => get("/credentials", { params: { query }, signal: options.signal }),
    "credentials",
    { type: "aksk", details: true },
    { label: "/credentials", secrets: () => [...seen, ...secrets()] },
  );
  for await (const c of pages) {
    if (c.type !== "aksk" || typeof c.id !== "string") continue;
    const blob = readBlob(c.blob);
    if (blob.secret) seen.push(blob.secret);
    const entry: AccessKeyEntry = {
      accessKey: c.id,
      name: typeof c.name === "string" ? c.name : undefined,
      projectId: typeof c.project_id === "string" ? c.project_id : undefined,
      userId: typeof c.user_id === "string" ? c.user_id : undefined,
      enabled: typeof c.enabled === "boolean" ? c.enabled : undefined,
      expire: blob.expire,
      createdAt: time(c.created_at),
    };
    if (options.withSecret && blob.secret !== undefined) entry.secret = blob.secret;
    out.push(entry);
  }
  return out;
}

export async function deleteAccessKey(
  identity: Identity,
  secrets: Secrets,
  accessKey: string,
): Promise<void> {
  if (typeof accessKey !== "string" || !/^[\w-]+$/.test(accessKey)) {
    throw invalidConfig("deleteAccessKey: accessKey must be a credential id (letters, digits, - and _)");
  }
  const r = await identity.DELETE("/credentials/{credential_id}", {
    params: { path: { credential_id: accessKey } },
  });
  if (failed(r)) throw resultError("DELETE", `/credentials/${accessKey}`, r, secrets());
}
