// The index page's "how to authenticate" snippets. Exported so the samples test compiles them with every
// operation's sample: a reader copies these first.

export interface AuthSnippet {
  title: string;
  text: string;
  lang: "ts" | "sh";
  code: string;
}

export const AUTH_SNIPPETS: readonly AuthSnippet[] = [
  {
    title: "Password",
    text: "A user, its domain name and the project to scope to, like climc's OS_USERNAME, OS_DOMAIN_NAME and OS_PROJECT_NAME.",
    lang: "ts",
    code: `import { createCloudpods } from "cloudpods-sdk";

const cp = createCloudpods({
  authUrl: "https://10.211.55.9:30500/v3",
  credentials: { username: "sysadmin", password: process.env.OS_PASSWORD ?? "", domain: "Default" },
  project: { name: "system", domain: "Default" },
  region: "region0",
});
`,
  },
  {
    title: "AK/SK",
    text: "An access key and secret (Cloudpods' signed login, exchanged once for a token scoped to the key's project).",
    lang: "ts",
    code: `import { createCloudpods } from "cloudpods-sdk";

const cp = createCloudpods({
  authUrl: "https://10.211.55.9:30500/v3",
  credentials: { accessKey: process.env.OS_ACCESS_KEY ?? "", secret: process.env.OS_SECRET_KEY ?? "" },
});
`,
  },
  {
    title: "API gateway",
    text: "An auth URL under /api/s/identity/ sends every service through the gateway's unified entry (endpointType apigateway).",
    lang: "ts",
    code: `import { createCloudpods } from "cloudpods-sdk";

const cp = createCloudpods({
  authUrl: "https://cloud.example.com/api/s/identity/v3",
  credentials: { username: "sysadmin", password: process.env.OS_PASSWORD ?? "" },
  project: { name: "system" },
  region: "region0",
});
`,
  },
  {
    title: "From the environment",
    text: "The variables climc reads (OS_AUTH_URL, OS_USERNAME, ... or OS_ACCESS_KEY/OS_SECRET_KEY): what every operation's sample uses.",
    lang: "ts",
    code: `import { createCloudpods, fromEnv } from "cloudpods-sdk";

const cp = createCloudpods(fromEnv());
`,
  },
  {
    title: "A token for curl",
    text: "The curl samples send $OS_AUTH_TOKEN: the X-Subject-Token header of a password login.",
    lang: "sh",
    code: `export OS_AUTH_TOKEN=$(curl -si -X POST "https://10.211.55.9:30500/v3/auth/tokens" \\
  -H "Content-Type: application/json" \\
  -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"sysadmin","domain":{"name":"Default"},"password":"'"$OS_PASSWORD"'"}}},"scope":{"project":{"name":"system","domain":{"name":"Default"}}}}}' \\
  | awk 'tolower($1) == "x-subject-token:" { print $2 }' | tr -d '\\r')
`,
  },
];
