// The contract between KeystoneAuth and a persistent token cache (token-cache.ts is the file one). Kept apart
// so the browser-safe login code can name it without importing node:fs.

/** One cached login. Holds a token: whoever can read it can act as the user until `expireAt`. */
export interface CachedToken {
  v: 1;
  /** X-Subject-Token. */
  token: string;
  /** The login answer's body, without the AK/SK `access_key` echo (it holds the secret). */
  body: string;
  /** Epoch ms (local clock) when the token stops working. */
  expireAt: number;
  /** Server-clock lifetime, for the refresh margin (capped at half of it). */
  lifetimeMs: number;
}

export interface TokenCache {
  /** `key` is a hex digest of auth URL, identity and scope. A miss or an unreadable entry is undefined. */
  load(key: string, debug?: (line: string) => void): Promise<CachedToken | undefined>;
  save(key: string, entry: CachedToken, debug?: (line: string) => void): Promise<void>;
  /** Drops the entry if it still holds `token` (a rejected token must not be handed out again). */
  remove(key: string, token: string, debug?: (line: string) => void): Promise<void>;
}
