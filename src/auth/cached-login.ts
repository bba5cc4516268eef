// KeystoneAuth's side of the persistent token cache: the cache key, and turning a login into a cache entry
// and back. Web-standard (WebCrypto): the file cache itself is the Node-only part.

import { parseAccess } from "./access.js";
import type { CachedToken, TokenCache } from "./cache-types.js";
import type { AccessInfo } from "./types.js";

export interface LoginIdentity {
  authUrl: string;
  credentials: Partial<Record<"username" | "userId" | "domain" | "token" | "accessKey", string | undefined>>;
  project?: unknown;
  domain?: unknown;
}

const hex = (b: ArrayBuffer): string =>
  Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
const sha256 = async (s: string): Promise<string> =>
  hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));

/**
 * SHA-256 over auth URL, identity and scope. The password and the AK/SK secret are not part of it (an
 * unsalted hash of a password can be reversed with a dictionary); a token credential enters as its own hash.
 */
export async function cacheKey(id: LoginIdentity): Promise<string> {
  const c = id.credentials;
  return sha256(
    JSON.stringify([
      "cloudpods-sdk token v1",
      id.authUrl,
      c.username ?? null,
      c.userId ?? null,
      c.domain ?? null,
      c.accessKey ?? null,
      c.token === undefined ? null : await sha256(c.token),
      id.project ?? null,
      id.domain ?? null,
    ]),
  );
}

/** The entry for a fresh login; `access_key` (the AK/SK echo, with the secret) is dropped from the body. */
export function toEntry(token: string, text: string, expireAt: number, lifetimeMs: number): CachedToken {
  const parsed = JSON.parse(text) as { token?: Record<string, unknown> };
  const t = { ...parsed.token };
  delete t.access_key;
  return { v: 1, token, body: JSON.stringify({ token: t }), expireAt, lifetimeMs };
}

/** The access of an entry still fresh by the refresh margin, else undefined (also for a body that fails). */
export function fromEntry(
  e: CachedToken,
  now: number,
  marginMs: number,
): { access: AccessInfo; staleAt: number; expireAt: number } | undefined {
  const staleAt = e.expireAt - Math.min(marginMs, e.lifetimeMs / 2);
  if (!(now < staleAt)) return undefined;
  try {
    // When the first process got it, on the shared local clock: the stale-token 403 rule needs its age.
    const obtainedAt = e.expireAt - e.lifetimeMs;
    return { access: { ...parseAccess(e.token, e.body), obtainedAt }, staleAt, expireAt: e.expireAt };
  } catch {
    return undefined;
  }
}

/** Never rejects: a cache failure only costs a login. */
export const quietly = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);

export type { CachedToken, TokenCache };
