// npm run bench: every figure printed as `name: value`, ratios measured side by side in this one run.
// BENCH_QUICK=1 shortens the repetitions (CI uses the full run).
import { benchGenerator } from "./generator.js";

const quick = process.env.BENCH_QUICK === "1";
const only = process.argv.slice(2);
const suites: Record<string, (quick: boolean) => Promise<void>> = { generator: benchGenerator };
for (const [name, run] of Object.entries(suites)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`# ${name}`);
  await run(quick);
}
