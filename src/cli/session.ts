// The client a command runs on: OS_* variables from the environment, overridden by an openrc file (--rc),
// overridden by --os-* flags, read by the library's fromEnv; debug lines go to stderr.

import { fileTokenCache } from "../auth/token-cache.js";
import { createCloudpods, type Cloudpods, type CloudpodsOptions } from "../client.js";
import { fromEnv } from "../config.js";
import { loadOpenrc } from "../openrc.js";
import type { GlobalOptions } from "./program.js";

export async function effectiveEnv(g: GlobalOptions, env: Record<string, string | undefined>) {
  // The library's reader: quotes and escapes as a shell reads them, nothing executed, bad lines named.
  const rc = g.rc === undefined ? {} : await loadOpenrc(g.rc);
  return { ...env, ...rc, ...g.env };
}

export async function openClient(
  g: GlobalOptions,
  env: Record<string, string | undefined>,
  writeErr: (s: string) => void,
  extra: Partial<CloudpodsOptions> = {},
): Promise<Cloudpods> {
  const o = fromEnv(await effectiveEnv(g, env));
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
