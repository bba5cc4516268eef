// npm run api-report [-- --check]
// The SDK's public surface (every export of src/index.ts, with its full signature) as a committed report,
// etc/cloudpods-sdk.api.md, by @microsoft/api-extractor over the built declarations, so any change to the
// public API shows in review. Without --check the report is rewritten; with it (CI) a report that differs
// from the sources fails, and the new one is left in node_modules/.cache/api-extractor/ to diff against.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");

// The report is made from dist/*.d.ts: build them from the current sources first.
execFileSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/build.ts"], {
  cwd: root,
  stdio: "inherit",
});
const config = ExtractorConfig.loadFileAndPrepare(path.join(root, "api-extractor.json"));
const result = Extractor.invoke(config, { localBuild: !check, showVerboseMessages: false });
const report = path.relative(root, config.reportFilePath);
if (result.succeeded) {
  console.log(`api-report: ${report} ${result.apiReportChanged ? "updated" : "is up to date"}`);
} else {
  if (check && result.apiReportChanged) {
    const fresh = path.relative(root, config.reportTempFilePath);
    console.error(`api-report: the public API changed: ${report} is out of date (new: ${fresh});`);
    console.error("api-report: review the change and run npm run api-report");
  } else {
    console.error(`api-report: api-extractor failed (${result.errorCount} errors)`);
  }
  process.exitCode = 1;
}
