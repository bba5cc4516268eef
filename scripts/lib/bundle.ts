// Step 1: load, validate and bundle one spec with @redocly/openapi-core. Only the rules that decide whether
// correct types can be generated run here (the style rule set is `npm run lint:specs`); every problem is
// reported as file:line:col with its rule, and any problem stops the whole run before anything is written.
import path from "node:path";
import {
  BaseResolver,
  bundle,
  createConfig,
  getLineColLocation,
  lintDocument,
  YamlParseError,
  type Config,
  type NormalizedProblem,
} from "@redocly/openapi-core";
import { GeneratorError } from "./apis.js";

export interface BundledSpec {
  /** The bundled OpenAPI document: one object, internal `#/components/...` refs only. */
  document: Record<string, unknown>;
  /** Every file the spec was built from (root first), relative to the repository root. */
  files: string[];
}

const configs = new Map<boolean, Promise<Config>>();

/**
 * Our specs are held to every rule. A foreign spec (the benchmark's GitHub description) runs the same
 * rules, but only the ones that make generation impossible stop it.
 */
function generatorConfig(strict: boolean): Promise<Config> {
  const level = strict ? "error" : "warn";
  let config = configs.get(strict);
  if (!config) {
    config = createConfig({
      rules: {
        struct: level,
        "no-unresolved-refs": "error",
        "operation-operationId": level,
        "operation-operationId-unique": "error",
        "path-parameters-defined": level,
        "no-identical-paths": level,
      },
    });
    configs.set(strict, config);
  }
  return config;
}

export async function bundleSpec(repoRoot: string, specFile: string, strict = true): Promise<BundledSpec> {
  const config = await generatorConfig(strict);
  const absolute = path.resolve(repoRoot, specFile);
  const resolver = new BaseResolver(config.resolve);
  const rel = (file: string) => path.relative(repoRoot, file).split(path.sep).join("/");

  const document = await resolver.resolveDocument(null, absolute, true).catch((err: Error) => err);
  if (document instanceof Error) throw fromResolveError(document, specFile, rel);

  const problems = await lintDocument({ document, config: config.styleguide, externalRefResolver: resolver });
  const result = await bundle({ config, dereference: false, doc: document });
  const all = [...problems, ...result.problems].filter((p) => p.severity === "error");
  // A referenced file that does not parse makes every $ref into it fail too; report only the cause.
  const parseFailures = all.filter((p) => p.message.startsWith(PARSE_FAILED));
  if (parseFailures.length > 0) throw new GeneratorError(formatProblems(dedupe(parseFailures), rel));
  if (all.length > 0) throw new GeneratorError(formatProblems(dedupe(all), rel));

  const files = [absolute, ...[...result.fileDependencies].filter((f) => f !== absolute).sort()].map(rel);
  return { document: result.bundle.parsed as Record<string, unknown>, files };
}

function fromResolveError(err: Error, specFile: string, rel: (f: string) => string): GeneratorError {
  if (err instanceof YamlParseError) {
    const reason = err.originalError.message.split("\n")[0];
    return new GeneratorError(`${rel(err.source.absoluteRef)}:${err.line}:${err.col}: [yaml] ${reason}`);
  }
  const cause = (err as { originalError?: Error & { code?: string } }).originalError ?? err;
  const reason = (cause as { code?: string }).code === "ENOENT" ? "file not found" : cause.message;
  return new GeneratorError(`${specFile}: [resolve] ${reason}`);
}

const PARSE_FAILED = "Failed to parse: ";

/** The linter and the bundler report the same unresolved $ref under two rule ids. */
function dedupe(problems: NormalizedProblem[]): NormalizedProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.message}|${p.location[0]?.source.absoluteRef}|${p.location[0]?.pointer}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function formatProblems(problems: NormalizedProblem[], rel: (f: string) => string): string {
  return problems
    .map((p) => {
      const loc = p.location[0];
      if (!loc) return `[${p.ruleId}] ${p.message}`;
      const { start } = getLineColLocation(loc);
      const where = `${rel(loc.source.absoluteRef)}:${start.line}:${start.col}`;
      if (p.message.startsWith(PARSE_FAILED)) {
        const reason = p.message.slice(PARSE_FAILED.length).replace(/ in ".*" \(\d+:\d+\)$/, "");
        return `${where}: [yaml] ${reason}`;
      }
      return `${where}: [${p.ruleId}] ${p.message}${loc.pointer ? ` (at ${loc.pointer})` : ""}`;
    })
    .join("\n");
}
