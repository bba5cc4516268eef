// npm test's pretest step, run as a process with fake dpkg-query / apt-get first on PATH: it installs only
// what is missing, says nothing when all is there, and stops with one line when it cannot install.
import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const script = path.join(projectRoot, "scripts/test-deps.ts");
const tsx = path.join(projectRoot, "node_modules/.bin/tsx");
let fake: string;

async function tool(name: string, body: string) {
  await writeFile(path.join(fake, name), `#!/bin/sh\n${body}\n`);
  await chmod(path.join(fake, name), 0o755);
}

async function runScript(env: Record<string, string> = {}) {
  const r = await promisify(execFile)(tsx, [script], {
    env: {
      ...process.env,
      PATH: `${fake}:${process.env.PATH ?? ""}`,
      CLOUDPODS_SKIP_INTEGRATION: "",
      ...env,
    },
  }).then(
    (ok) => ({ code: 0, stderr: ok.stderr }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );
  const log = await readFile(path.join(fake, "apt.log"), "utf8").catch(() => "");
  return { ...r, apt: log.trim().split("\n").filter(Boolean) };
}

beforeEach(async () => {
  fake = await mkdtemp(path.join(tmpdir(), "cpsdk-deps-"));
  // chromium and the fonts are "missing"; everything else is installed.
  await tool(
    "dpkg-query",
    `[ "$1" = --version ] && exit 0
case "$3" in chromium|fonts-dejavu-core) printf 'unknown ok not-installed';; *) printf 'install ok installed';; esac`,
  );
  await tool(
    "apt-get",
    `[ "$1" = --version ] && exit 0
echo "$*" >> "${fake}/apt.log"`,
  );
});
afterEach(() => rm(fake, { recursive: true, force: true }));

describe("scripts/test-deps.ts", () => {
  it.skipIf(process.getuid?.() !== 0)("as root installs exactly the missing packages", async () => {
    const { code, stderr, apt } = await runScript();
    expect(code).toBe(0);
    expect(stderr).toMatch(/installing chromium fonts-dejavu-core/);
    expect(apt).toEqual(["update -qq", "install -y -qq chromium fonts-dejavu-core"]);
  });

  it.skipIf(process.getuid?.() !== 0)(
    "a failed install stops the run with the command to retry",
    async () => {
      await tool("apt-get", '[ "$1" = --version ] && exit 0\nexit 100');
      const { code, stderr } = await runScript();
      expect(code).toBe(1);
      expect(stderr).toMatch(/`apt-get install -y chromium fonts-dejavu-core` failed/);
    },
  );

  it("without dpkg it fails at once with one line naming the command", async () => {
    await tool("dpkg-query", "exit 127");
    const { code, stderr, apt } = await runScript();
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(
      /missing Debian packages; run `sudo apt-get install -y python3-keystone .*chromium/,
    );
    expect(apt).toEqual([]);
  });

  it("CLOUDPODS_SKIP_INTEGRATION=1 checks nothing", async () => {
    const { code, apt } = await runScript({ CLOUDPODS_SKIP_INTEGRATION: "1" });
    expect(code).toBe(0);
    expect(apt).toEqual([]);
  });
});
