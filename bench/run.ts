// npm run bench: every figure printed as `name: value`, ratios measured side by side in this one run.
// BENCH_QUICK=1 shortens the repetitions; `npm run bench -- client` runs one suite.
import { performance } from "node:perf_hooks";
import { benchClient } from "./client.js";
import { benchGenerator } from "./generator.js";
import { benchSize } from "./size.js";

const quick = process.env.BENCH_QUICK === "1";
const only = process.argv.slice(2);
const suites: Record<string, (quick: boolean) => Promise<void>> = {
  generator: benchGenerator,
  client: benchClient,
  size: () => benchSize(),
  cli: (quick) => import("./cli.js").then((m) => m.benchCli(quick)),
};
for (const [name, run] of Object.entries(suites)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`# ${name}`);
  const t = performance.now();
  await run(quick);
  console.log(`bench.${name}_s: ${((performance.now() - t) / 1000).toFixed(1)}`);
}
