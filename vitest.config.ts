import { configDefaults, defineConfig } from "vitest/config";

// The suites that start real peers (Keystone under uwsgi, Prism, Chromium) each want both cores for their
// start-up. They run one file at a time, after every other file has finished, so no start competes with
// another start or with the unit files (on a loaded machine that made fixed readiness limits run out).
const PEERS = [
  "test/integration/keystone.test.ts",
  "test/integration/compute-contract.test.ts",
  "test/docs/docs.test.ts",
];

export default defineConfig({
  test: {
    // Only a guard against a hang: a loaded 2-core machine (CI beside a CPU hog) must slow tests, not fail them.
    testTimeout: 120_000,
    // Peer readiness follows the process (test/integration/readiness.ts) and gives up on its own well
    // before this; the hook limit only catches what that cannot.
    hookTimeout: 600_000,
    // Under CI a JSON report too, from which .ci/run prints one plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: "test-results/vitest.json" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...PEERS],
          fileParallelism: true,
          maxWorkers: 2,
          typecheck: {
            enabled: true,
            include: ["test/types/**/*.test-d.ts"],
            tsconfig: "./tsconfig.json",
          },
        },
      },
      {
        extends: true,
        test: {
          name: "peers",
          include: PEERS,
          maxWorkers: 1,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
