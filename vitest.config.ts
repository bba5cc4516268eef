import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Integration suites start real servers (Keystone, Prism, Chromium); they share two cores.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 30_000,
    // Under CI a JSON report too, from which .ci/run prints one plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: "test-results/vitest.json" },
    hookTimeout: 120_000,
    typecheck: {
      enabled: true,
      include: ["test/types/**/*.test-d.ts"],
      tsconfig: "./tsconfig.json",
    },
  },
});
