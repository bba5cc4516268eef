// A plain JavaScript ESM consumer.
import { createCloudpods } from "cloudpods-sdk";
import { startSandbox } from "cloudpods-sdk/sandbox";

const sandbox = await startSandbox();
const { username, password, domain, project } = sandbox.admin;
const cp = createCloudpods({
  authUrl: sandbox.authUrl,
  credentials: { username, password, domain },
  project: { name: project, domain },
});
const { data, error } = await cp.compute.GET("/servers", { params: { query: { limit: 5 } } });
console.log(JSON.stringify({ consumer: "js-esm", ok: !error, servers: data?.servers.length ?? -1 }));
await cp.close();
await sandbox.close();
