// Parses a POST /v3/auth/tokens answer once into AccessInfo. Cloudpods and OpenStack bodies share the
// `{"token": {...}}` shape; Cloudpods adds `"id"` and, for AK/SK logins, echoes the secret in
// `token.access_key`, so no message here ever quotes the body.

import { CloudpodsError, type CloudpodsErrorInit } from "../errors.js";
import type { AccessInfo } from "./types.js";

type Obj = Record<string, unknown>;

/**
 * ISO-8601 times with any number of fractional digits: Cloudpods writes microseconds
 * (`2026-11-24T03:54:35.840369Z`), OpenStack `.000000Z`; Date.parse only promises three.
 */
export function parseTime(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value.replace(/\.(\d+)/, (_, f: string) => "." + (f + "00").slice(0, 3)));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** @param token the `X-Subject-Token` header; @param text the response body. */
export function parseAccess(token: string, text: string, init: CloudpodsErrorInit = {}): AccessInfo {
  let t: Obj | undefined;
  try {
    t = (JSON.parse(text) as { token?: Obj } | null)?.token;
  } catch {
    // reported below with every other malformed answer
  }
  const expiresAt = parseTime(t?.expires_at);
  if (!t?.user || !expiresAt) {
    throw new CloudpodsError(
      "invalid token response: expected JSON {token: {user, expires_at, ...}}",
      "InvalidTokenResponse",
      init,
    );
  }
  const isDomain = t.is_domain === true;
  const project = t.project as AccessInfo["project"];
  return {
    token,
    expiresAt,
    issuedAt: parseTime(t.issued_at),
    methods: (t.methods as string[] | undefined) ?? [],
    user: t.user as AccessInfo["user"],
    project,
    // OpenStack names a domain scope `token.domain`; Cloudpods sets is_domain and puts the domain in `project`.
    domain: (t.domain as AccessInfo["domain"]) ?? (isDomain ? project : undefined),
    isDomain,
    roles: (t.roles as AccessInfo["roles"] | undefined) ?? [],
    catalog: Array.isArray(t.catalog) ? (t.catalog as AccessInfo["catalog"]) : undefined,
    raw: t,
  };
}
