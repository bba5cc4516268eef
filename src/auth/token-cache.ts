// A token cache shared by processes, like climc's YUNION_USE_CACHED_TOKEN: one small JSON file per login
// (auth URL + identity + scope, hashed by KeystoneAuth before it gets here), mode 0600 in a 0700 per-user
// directory. Only the token and its body are kept, never a password or secret (KeystoneAuth strips the AK/SK
// echo from the body). Writes go to a unique temporary file renamed over the entry, so a reader in another
// process sees the old entry or the new one, never half of one. Node only: `./node` entry point.

import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { CachedToken, TokenCache } from "./cache-types.js";

export type { CachedToken, TokenCache } from "./cache-types.js";

/** `$XDG_CACHE_HOME/cloudpods-sdk/tokens`, else `~/.cache/cloudpods-sdk/tokens`. */
export function defaultTokenCacheDir(env: Record<string, string | undefined> = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "cloudpods-sdk", "tokens");
}

const isEntry = (v: unknown): v is CachedToken => {
  const e = v as Partial<CachedToken> | null;
  return (
    e?.v === 1 &&
    typeof e.token === "string" &&
    e.token !== "" &&
    typeof e.body === "string" &&
    typeof e.expireAt === "number" &&
    typeof e.lifetimeMs === "number"
  );
};

/** Keys are hex hashes: anything else would let a key name a file outside the directory. */
function fileOf(dir: string, key: string): string {
  if (!/^[0-9a-f]{16,128}$/.test(key)) throw new TypeError("token cache keys are hex digests");
  return join(dir, `${key}.json`);
}

/**
 * The file cache at `dir` (default defaultTokenCacheDir()). Every failure to read, parse or write is a miss
 * reported to `debug`, never an error: the cache only ever saves a login.
 */
export function fileTokenCache(dir: string = defaultTokenCacheDir()): TokenCache {
  let ready: Promise<unknown> | undefined;
  return {
    async load(key, debug) {
      const file = fileOf(dir, key);
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (e) {
        if ((e as { code?: string }).code !== "ENOENT")
          debug?.(`token cache: cannot read ${file}: ${code(e)}`);
        return undefined;
      }
      try {
        const entry: unknown = JSON.parse(text);
        if (isEntry(entry)) return entry;
      } catch {
        // reported below
      }
      debug?.(`token cache: ignoring corrupt entry ${file}`);
      return undefined;
    },
    async save(key, entry, debug) {
      const file = fileOf(dir, key);
      const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
      try {
        await (ready ??= mkdir(dir, { recursive: true, mode: 0o700 }));
        // "wx": a fresh file, created 0600 (open's mode, so never readable by others even for a moment).
        const handle = await open(tmp, "wx", 0o600);
        try {
          await handle.writeFile(JSON.stringify(entry));
        } finally {
          await handle.close();
        }
        await rename(tmp, file);
      } catch (e) {
        ready = undefined;
        debug?.(`token cache: cannot write ${file}: ${code(e)}`);
        await rm(tmp, { force: true }).catch(() => {});
      }
    },
    async remove(key, token, debug) {
      const file = fileOf(dir, key);
      // Another process may have replaced the entry since: only the rejected token is removed.
      const current = await this.load(key, debug);
      if (current?.token !== token && current !== undefined) return;
      await rm(file, { force: true }).catch((e: unknown) =>
        debug?.(`token cache: cannot remove ${file}: ${code(e)}`),
      );
    },
  };
}

const code = (e: unknown): string => (e as { code?: string }).code ?? "error";
