// The whole run must fail on an unhandled error (vitest's default): an error thrown after a test has passed
// is exactly the long-running-process crash issue 7 §1 describes. Nothing may switch that off.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import config from "../../vitest.config.js";

describe("test suite configuration", () => {
  it("does not ignore unhandled errors, in the config, its projects or the test scripts", () => {
    expect(config.test?.dangerouslyIgnoreUnhandledErrors).not.toBe(true);
    for (const project of config.test?.projects ?? []) {
      const test = (project as { test?: { dangerouslyIgnoreUnhandledErrors?: boolean } }).test;
      expect(test?.dangerouslyIgnoreUnhandledErrors).not.toBe(true);
    }
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
    const ci = readFileSync(".ci/run", "utf8");
    for (const text of [...Object.values(pkg.scripts), ci]) expect(text).not.toMatch(/dangerouslyIgnore/i);
  });
});
