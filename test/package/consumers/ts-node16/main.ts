// A TypeScript ESM consumer with moduleResolution node16: typed calls and the generated subpath types.
import { createCloudpods } from "cloudpods-sdk";
import { startSandbox } from "cloudpods-sdk/sandbox";
import type { ServerDetails } from "cloudpods-sdk/generated/compute";

const sandbox = await startSandbox();
const { username, password, domain, project } = sandbox.admin;
const cp = createCloudpods({
  authUrl: sandbox.authUrl,
  credentials: { username, password, domain },
  project: { name: project, domain },
});
const { data, error } = await cp.compute.GET("/servers", { params: { query: { limit: 5 } } });
const servers: ServerDetails[] = data?.servers ?? [];
console.log(JSON.stringify({ consumer: "ts-node16", ok: !error, servers: servers.length }));
await cp.close();
await sandbox.close();
