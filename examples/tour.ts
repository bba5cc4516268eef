// `npm start`: the SDK end to end. Without a Cloudpods of your own it starts the embedded sandbox and does a
// user's whole job there; with OS_AUTH_URL set (or --rc <openrc>) it runs the read-only part against that
// Cloudpods instead. --debug prints every request as a redacted curl line.
import { parseArgs } from "node:util";
import { createCloudpods, fromEnv, loadOpenrc, type CloudpodsOptions } from "../src/index.js";
import { startSandbox } from "../src/sandbox/index.js";
import { fullTour } from "./tour-sandbox.js";
import { done } from "./tour-output.js";
import { showCatalog, showImages, showServers } from "./tour-read.js";

const { values } = parseArgs({
  options: { debug: { type: "boolean", default: false }, rc: { type: "string" } },
});
const debug = values.debug === true;

async function main(): Promise<void> {
  const env = values.rc ? { ...process.env, ...(await loadOpenrc(values.rc)) } : process.env;
  if (env.OS_AUTH_URL) {
    const options: CloudpodsOptions = { ...fromEnv(env), debug };
    console.log(`cloudpods-sdk tour, read-only, against ${options.authUrl}`);
    const cp = createCloudpods(options);
    try {
      await cp.auth.getAccess();
      await showCatalog(cp);
      await showImages(cp);
      await showServers(cp);
    } finally {
      await cp.close();
    }
    return done("Done: nothing was changed.");
  }
  const sandbox = await startSandbox();
  try {
    console.log(`cloudpods-sdk tour, against an embedded Cloudpods sandbox at ${sandbox.authUrl}`);
    await fullTour(sandbox, debug);
  } finally {
    await sandbox.close();
  }
  done("Done: everything the tour created was deleted, and the sandbox is closed.");
}

await main();
