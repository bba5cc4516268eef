// fromEnv(): the OS_* and YUNION_* variables climc reads (cloudpods-auth.md §3.1), turned into options for
// createCloudpods. Web-standard on purpose: `process` is looked up only when fromEnv() is called without an
// env, and YUNION_CERT_FILE is returned as a path (`caFile`) for the Node transport to read, so this module
// imports anywhere.

import { authUrlProblem, normalizeAuthUrl, type EndpointType } from "./catalog.js";
import { CloudpodsError } from "./errors.js";
import type { Credentials, DomainScope, ProjectScope } from "./auth/keystone.js";
import { sourceLine } from "./openrc.js";

export interface EnvOptions {
  authUrl: string;
  credentials: Credentials;
  project?: ProjectScope;
  /** No variable sets a domain scope: climc's OS_DOMAIN_NAME is the user's domain. Always absent here. */
  domain?: DomainScope;
  region?: string;
  zone?: string;
  /**
   * OS_ENDPOINT_TYPE with climc's `publicURL`-style names reduced to `public` etc. Absent when unset:
   * createCloudpods then uses `public` (or `apigateway` for a gateway auth URL), not climc's `internalURL`.
   */
  endpointType?: EndpointType;
  insecure?: boolean;
  /** YUNION_CERT_FILE: a PEM bundle path for the Node transport to read. */
  caFile?: string;
}

type Env = Record<string, string | undefined>;

/**
 * Precedence as climc: OS_AUTH_TOKEN > OS_ACCESS_KEY/OS_SECRET_KEY > OS_USERNAME/OS_PASSWORD. Every missing
 * or contradictory variable is reported in ONE CloudpodsError (code InvalidConfig) naming variables only,
 * never values. OS_PROJECT_ID wins over OS_PROJECT_NAME, as in keystoneauth (OpenStack openrc sets both).
 * The OpenStack spellings OS_USER_DOMAIN_NAME / OS_PROJECT_DOMAIN_NAME, OS_INTERFACE (for OS_ENDPOINT_TYPE)
 * and OS_CACERT (for YUNION_CERT_FILE) are read as fallbacks. For an env from loadOpenrc(), each problem also
 * names the file line of the variable it is about.
 */
export function fromEnv(env?: Env): EnvOptions {
  const e: Env = env ?? (globalThis as { process?: { env: Env } }).process?.env ?? {};
  const v = (name: string): string | undefined => e[name] || undefined; // "" counts as unset
  const problems: string[] = [];

  const authUrl = normalizeAuthUrl(v("OS_AUTH_URL") ?? "");
  const urlProblem = authUrlProblem(authUrl);
  if (urlProblem) problems.push(`OS_AUTH_URL ${urlProblem}`);

  const token = v("OS_AUTH_TOKEN");
  const accessKey = v("OS_ACCESS_KEY");
  const secret = v("OS_SECRET_KEY");
  const username = v("OS_USERNAME");
  const password = v("OS_PASSWORD");
  let credentials: Credentials;
  if (token) {
    credentials = { token };
  } else if (accessKey || secret) {
    if (!accessKey) problems.push("OS_ACCESS_KEY is missing (OS_SECRET_KEY is set)");
    if (!secret) problems.push("OS_SECRET_KEY is missing (OS_ACCESS_KEY is set)");
    credentials = { accessKey: accessKey ?? "", secret: secret ?? "" };
  } else {
    if (!username && !password) {
      problems.push(
        "no credentials: set OS_AUTH_TOKEN, or OS_ACCESS_KEY and OS_SECRET_KEY, or OS_USERNAME and OS_PASSWORD",
      );
    } else if (!username) problems.push("OS_USERNAME is missing (OS_PASSWORD is set)");
    else if (!password) problems.push("OS_PASSWORD is missing (OS_USERNAME is set)");
    credentials = {
      username: username ?? "",
      password: password ?? "",
      domain: v("OS_DOMAIN_NAME") ?? v("OS_USER_DOMAIN_NAME"),
    };
  }

  const projectId = v("OS_PROJECT_ID");
  const projectName = v("OS_PROJECT_NAME");
  const project: ProjectScope | undefined = projectId
    ? { id: projectId }
    : projectName
      ? { name: projectName, domain: v("OS_PROJECT_DOMAIN") ?? v("OS_PROJECT_DOMAIN_NAME") }
      : undefined;

  const typeVar = v("OS_ENDPOINT_TYPE") ? "OS_ENDPOINT_TYPE" : "OS_INTERFACE";
  const rawType = v(typeVar);
  // climc's spellings: publicURL etc. ("URL" alone is not one).
  let endpointType = (rawType === "URL" ? rawType : rawType?.replace(/URL$/, "")) as EndpointType | undefined;
  if (endpointType && !["public", "internal", "admin", "apigateway"].includes(endpointType)) {
    problems.push(`${typeVar} must be publicURL, internalURL, adminURL or apigateway`);
    endpointType = undefined;
  } else if (endpointType === "apigateway" && authUrl && authUrl.lastIndexOf("/api/s/identity") < 1) {
    problems.push(
      "OS_ENDPOINT_TYPE=apigateway needs an OS_AUTH_URL like https://<gateway>/api/s/identity/v3",
    );
  }
  const insecure = v("YUNION_INSECURE");
  if (insecure !== undefined && !/^(1|t|true|y|yes|on|0|f|false|n|no|off)$/i.test(insecure)) {
    problems.push("YUNION_INSECURE must be true or false");
  }

  if (problems.length) {
    // The first variable a problem names that the openrc set (a missing one has no line).
    const located = problems.map((p) => {
      const names = p.match(/\b(?:OS|YUNION)_[A-Z_]+/g) ?? [];
      const at = names.map((n) => sourceLine(e, n)).find((l) => l !== undefined);
      return at ? `${p} (${at})` : p;
    });
    throw new CloudpodsError(`invalid Cloudpods environment: ${located.join("; ")}`, "InvalidConfig");
  }
  const options: { [K in Exclude<keyof EnvOptions, "domain">]-?: EnvOptions[K] | undefined } = {
    authUrl,
    credentials,
    project,
    region: v("OS_REGION_NAME"),
    zone: v("OS_ZONE_NAME"),
    endpointType,
    insecure: insecure === undefined ? undefined : /^(1|t|true|y|yes|on)$/i.test(insecure),
    caFile: v("YUNION_CERT_FILE") ?? v("OS_CACERT"),
  };
  // Absent keys rather than `undefined` values, so the result fits exactOptionalPropertyTypes option types.
  return Object.fromEntries(
    Object.entries(options).filter(([, x]) => x !== undefined),
  ) as unknown as EnvOptions;
}
