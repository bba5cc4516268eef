// Reads the `apis` map of redocly.yaml: the one list that drives lint, docs and codegen.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse, YAMLParseError } from "yaml";

export interface ApiMapEntry {
  /** The key in redocly.yaml, e.g. `compute@v2`. */
  name: string;
  /** Short name before the `@`, e.g. `compute`: names the generated file and the docs page. */
  shortName: string;
  /** Version after the `@`, e.g. `v2` (empty when the key has none). */
  version: string;
  /** Spec root, relative to the config file's folder, as written. */
  root: string;
  /** `x-openapi-ts.output`: the generated file, relative to the config file's folder. */
  output?: string | undefined;
  /** `x-service-type`: the catalog service type the runtime looks the API up by (default: shortName). */
  serviceType: string;
}

export interface ApiEntry extends ApiMapEntry {
  output: string;
}

export class GeneratorError extends Error {
  override name = "GeneratorError";
}

/** The `apis` map of a Redocly config file, shared by codegen and docs. */
export async function readApiMap(configFile: string): Promise<ApiMapEntry[]> {
  const where = path.basename(configFile);
  let config: {
    apis?: Record<
      string,
      { root?: unknown; "x-openapi-ts"?: { output?: unknown }; "x-service-type"?: unknown } | null
    >;
  } | null;
  try {
    config = parse(await readFile(configFile, "utf8")) as typeof config;
  } catch (e) {
    if (!(e instanceof YAMLParseError)) throw e;
    const pos = e.linePos?.[0];
    throw new GeneratorError(
      `${where}:${pos?.line ?? 0}:${pos?.col ?? 0}: [yaml] ${e.message.split("\n")[0]}`,
    );
  }
  const apis = config?.apis;
  if (!apis || typeof apis !== "object") throw new GeneratorError(`${where}: no \`apis\` map`);
  return Object.entries(apis).map(([name, api]) => {
    const [shortName = "", version = ""] = name.split("@");
    if (!/^[A-Za-z0-9][\w.-]*$/.test(shortName))
      throw new GeneratorError(`${where}: apis.${name}: bad API name`);
    if (typeof api?.root !== "string") throw new GeneratorError(`${where}: apis.${name}: missing \`root\``);
    const output = api["x-openapi-ts"]?.output;
    const serviceType = api["x-service-type"] ?? shortName;
    if (typeof serviceType !== "string" || !/^[a-z][\w-]*$/.test(serviceType))
      throw new GeneratorError(`${where}: apis.${name}: bad \`x-service-type\``);
    return {
      name,
      shortName,
      version,
      root: api.root,
      output: typeof output === "string" ? output : undefined,
      serviceType,
    };
  });
}

/** The APIs the generator builds: every entry needs `x-openapi-ts.output`. */
export async function loadApis(repoRoot: string, configFile = "redocly.yaml"): Promise<ApiEntry[]> {
  return (await readApiMap(path.join(repoRoot, configFile))).map((api) => {
    if (!api.output)
      throw new GeneratorError(`${configFile}: apis.${api.name}: missing \`x-openapi-ts.output\``);
    // The drift check owns generated/: nothing may be written anywhere else.
    const output = path.posix.normalize(api.output);
    if (!/^generated\/[\w.-]+\.ts$/.test(output)) {
      throw new GeneratorError(
        `${configFile}: apis.${api.name}: output must be generated/<name>.ts, not ${api.output}`,
      );
    }
    return { ...api, output };
  });
}

/** The bundled OpenAPI document written beside a generated file: generated/x.ts → generated/x.openapi.json. */
export function documentPath(output: string): string {
  return output.replace(/\.ts$/, ".openapi.json");
}

/** Narrows the list to the APIs named on the command line; an unknown name is an error that lists the known ones. */
export function selectApis<T extends ApiMapEntry>(apis: T[], names: readonly string[]): T[] {
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
