// npm run build (also prepare/prepack): compiles src/ and generated/ into dist/, then copies the bundled
// OpenAPI documents and the manifest there, which src/openapi/documents.ts reads at run time (tsc copies
// only JSON that is imported).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
rmSync(path.join(root, "dist"), { recursive: true, force: true });
execFileSync(
  process.execPath,
  [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
  {
    cwd: root,
    stdio: "inherit",
  },
);
const out = path.join(root, "dist/generated");
mkdirSync(out, { recursive: true });
for (const f of readdirSync(path.join(root, "generated")).filter((f) => f.endsWith(".json"))) {
  copyFileSync(path.join(root, "generated", f), path.join(out, f));
}
