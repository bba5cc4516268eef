// Reads the `apis` map of redocly.yaml: the one list that drives lint, docs and codegen.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";

export interface ApiEntry {
  /** The key in redocly.yaml, e.g. `compute@v2`. */
  name: string;
  /** Short name before the `@`, e.g. `compute`: names the generated file's API. */
  shortName: string;
  /** Spec root, relative to the repository root (forward slashes). */
  root: string;
  /** Output file, relative to the repository root (forward slashes). */
  output: string;
}

export class GeneratorError extends Error {
  override name = "GeneratorError";
}

export async function loadApis(repoRoot: string, configFile = "redocly.yaml"): Promise<ApiEntry[]> {
  const text = await readFile(path.join(repoRoot, configFile), "utf8");
  const config = parse(text) as {
    apis?: Record<string, { root?: string; "x-openapi-ts"?: { output?: string } }>;
  };
  const apis = config?.apis;
  if (!apis || typeof apis !== "object") throw new GeneratorError(`${configFile}: no \`apis\` map`);
  return Object.entries(apis).map(([name, api]) => {
    const output = api["x-openapi-ts"]?.output;
    if (!api.root) throw new GeneratorError(`${configFile}: apis.${name}: missing \`root\``);
    if (!output) throw new GeneratorError(`${configFile}: apis.${name}: missing \`x-openapi-ts.output\``);
    return { name, shortName: name.split("@")[0]!, root: api.root, output };
  });
}

/** Narrows the list to the APIs named on the command line; an unknown name is an error that lists the known ones. */
export function selectApis(apis: ApiEntry[], names: string[]): ApiEntry[] {
  if (names.length === 0) return apis;
  return names.map((n) => {
    const found = apis.find((a) => a.name === n || a.shortName === n);
    if (!found) {
      throw new GeneratorError(
        `unknown API "${n}" (redocly.yaml apis: ${apis.map((a) => a.name).join(", ")})`,
      );
    }
    return found;
  });
}
