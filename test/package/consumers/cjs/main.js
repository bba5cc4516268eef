// A CommonJS consumer: require() of the ESM package (Node >= 20.19 loads it through require(esm)).
const { createCloudpods } = require("cloudpods-sdk");
const { startSandbox } = require("cloudpods-sdk/sandbox");

async function main() {
  const sandbox = await startSandbox();
  const { username, password, domain, project } = sandbox.admin;
  const cp = createCloudpods({
    authUrl: sandbox.authUrl,
    credentials: { username, password, domain },
    project: { name: project, domain },
  });
  const { data, error } = await cp.compute.GET("/servers", { params: { query: { limit: 5 } } });
  console.log(JSON.stringify({ consumer: "cjs", ok: !error, servers: data ? data.servers.length : -1 }));
  await cp.close();
  await sandbox.close();
}
main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
