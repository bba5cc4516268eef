// `npm test`'s first step (pretest): the integration and docs suites need Debian packages (a real OpenStack
// Keystone under uwsgi, Chromium). On a fresh Debian machine as root they are installed here; elsewhere the
// run stops at once with one line naming the command, instead of failing suite by suite minutes later.
import { execFileSync, spawnSync } from "node:child_process";

/** What the Keystone, Prism-contract and docs suites run on; .ci/run relies on this step too. */
export const DEBIAN_TEST_PACKAGES = [
  "python3-keystone",
  "python3-keystoneauth1",
  "python3-openstackclient",
  "uwsgi-core",
  "uwsgi-plugin-python3",
  "chromium",
  "fonts-dejavu-core",
] as const;

function installed(pkg: string): boolean {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

function main(): number {
  if (process.env.CLOUDPODS_SKIP_INTEGRATION === "1") {
    console.error("test-deps: CLOUDPODS_SKIP_INTEGRATION=1: the Keystone, Prism and docs suites are skipped");
    return 0;
  }
  const hasDpkg = spawnSync("dpkg-query", ["--version"]).status === 0;
  const missing = hasDpkg ? DEBIAN_TEST_PACKAGES.filter((p) => !installed(p)) : [...DEBIAN_TEST_PACKAGES];
  if (missing.length === 0) return 0;
  const command = `apt-get install -y ${missing.join(" ")}`;
  const canInstall = hasDpkg && process.getuid?.() === 0 && spawnSync("apt-get", ["--version"]).status === 0;
  if (!canInstall) {
    console.error(
      `test-deps: missing Debian packages; run \`sudo ${command}\` (or CLOUDPODS_SKIP_INTEGRATION=1 npm test)`,
    );
    return 1;
  }
  console.error(`test-deps: installing ${missing.join(" ")} (needed by the integration and docs suites)`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "ignore", "inherit"], env });
    execFileSync("apt-get", ["install", "-y", "-qq", ...missing], {
      stdio: ["ignore", "ignore", "inherit"],
      env,
    });
  } catch {
    console.error(`test-deps: \`${command}\` failed (see above)`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
