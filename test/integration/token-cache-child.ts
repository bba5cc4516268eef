// One process of the token-cache test: logs in through the cache at argv[3] against the keystone at argv[2]
// and prints the token it got.
import { KeystoneAuth } from "../../src/auth/keystone.js";
import { fileTokenCache } from "../../src/auth/token-cache.js";

const [authUrl, dir] = process.argv.slice(2) as [string, string];
const auth = new KeystoneAuth({
  authUrl,
  credentials: { username: "sysadmin", password: "pw-child-secret" },
  project: { name: "system" },
  fetch: (req) => fetch(req),
  tokenCache: fileTokenCache(dir),
  onDebug: (line) => process.stderr.write(line + "\n"),
});
process.stdout.write((await auth.getAccess()).token);
