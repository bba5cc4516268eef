// The client a command runs on: OS_* variables from the environment, overridden by an openrc file (--rc),
// overridden by --os-* flags, read by the library's fromEnv; debug lines go to stderr.

import { readFileSync } from "node:fs";
import { fileTokenCache } from "../auth/token-cache.js";
import { createCloudpods, type Cloudpods, type CloudpodsOptions } from "../client.js";
import { fromEnv } from "../config.js";
import { usageError } from "./usage.js";
import type { GlobalOptions } from "./program.js";

/**
 * A minimal openrc reader: `export NAME=value` / `NAME=value` lines with optional single or double quotes;
 * comments, blank lines and anything else (shell code) are ignored, never run.
 */
export function parseOpenrc(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!m) continue;
    let v = (m[2] ?? "").trim();
    const q = v[0];
    if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, "");
    out[m[1]!] = v;
  }
  return out;
}

export function effectiveEnv(g: GlobalOptions, env: Record<string, string | undefined>) {
  let rc: Record<string, string> = {};
  if (g.rc !== undefined) {
    try {
      rc = parseOpenrc(readFileSync(g.rc, "utf8"));
    } catch (e) {
      throw usageError(`--rc ${g.rc}: cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  return { ...env, ...rc, ...g.env };
}

export function openClient(
  g: GlobalOptions,
  env: Record<string, string | undefined>,
  writeErr: (s: string) => void,
  extra: Partial<CloudpodsOptions> = {},
): Cloudpods {
  const o = fromEnv(effectiveEnv(g, env));
  const tls = g.insecure === true || o.insecure === true || o.caFile !== undefined;
  return createCloudpods({
    ...o,
    // Node's built-in fetch unless TLS options need the undici transport: loading undici is a tenth of a
    // second of start-up, and a one-shot command gains nothing from its connection pool.
    ...(tls ? {} : { fetch: (req: Request) => globalThis.fetch(req) }),
    // On by default, as climc's YUNION_USE_CACHED_TOKEN: a second command does not log in again.
    ...(g.tokenCache ? { tokenCache: fileTokenCache() } : {}),
    ...(g.insecure ? { insecure: true } : {}),
    ...(g.timeout !== undefined ? { timeoutMs: g.timeout * 1000 } : {}),
    ...(g.debug ? { onDebug: (line: string) => writeErr(`${line}\n`) } : {}),
    ...extra,
  });
}
