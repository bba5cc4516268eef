// argv → what to run. commander parses, prints help and suggests close commands and flags; the command table
// comes from the specs (commands.ts) and only the command being run gets its flags built.

import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import type { CommandSpec } from "./commands.js";
import type { FlagSpec } from "./flags.js";
import { SDK_VERSION } from "../transport.js";
import { optionsFor } from "./options.js";
import { OUTPUT_FORMATS, type OutputFormat } from "./output.js";
import { usageError } from "./usage.js";
import { waitTarget } from "./wait.js";

export interface GlobalOptions {
  output: OutputFormat;
  debug: boolean;
  rc?: string | undefined;
  insecure?: boolean | undefined;
  timeout?: number | undefined;
  /** `--no-token-cache` turns it off. */
  tokenCache: boolean;
  /** `--os-auth-url` etc. as the OS_* variables they stand for. */
  env: Record<string, string>;
}

export interface ApiCall {
  kind: "api";
  cmd: CommandSpec;
  pathArgs: string[];
  values: Map<FlagSpec, unknown>;
  body?: unknown;
  /** `--file`: the bytes of an octet-stream body. */
  file?: string | undefined;
  /** `--save`: where a byte answer goes. */
  save?: string | undefined;
  all: boolean;
  wait: boolean;
  waitTimeoutS: number;
}

export type Invocation = { global: GlobalOptions } & (
  ApiCall | { kind: "extra"; name: string; args: string[]; opts: Record<string, unknown> } | { kind: "done" }
);

/** Hand-written commands (climc's conveniences); each is run by run.ts. */
export interface ExtraCommand {
  name: string;
  summary: string;
  args?: string[];
  options?: Option[];
}

// climc's --os-* flags and the variables they override.
const OS_FLAGS: [string, string, string][] = [
  ["os-auth-url", "OS_AUTH_URL", "Keystone v3 URL"],
  ["os-username", "OS_USERNAME", "user name"],
  ["os-password", "OS_PASSWORD", "password"],
  ["os-domain-name", "OS_DOMAIN_NAME", "the user's domain"],
  ["os-project-id", "OS_PROJECT_ID", "project id to scope the token to"],
  ["os-project-name", "OS_PROJECT_NAME", "project name to scope the token to"],
  ["os-project-domain", "OS_PROJECT_DOMAIN", "domain of the project name"],
  ["os-region-name", "OS_REGION_NAME", "catalog region"],
  ["os-zone-name", "OS_ZONE_NAME", "zone"],
  ["os-endpoint-type", "OS_ENDPOINT_TYPE", "publicURL, internalURL, adminURL or apigateway"],
  ["os-access-key", "OS_ACCESS_KEY", "access key (AK/SK login)"],
  ["os-secret-key", "OS_SECRET_KEY", "secret key (AK/SK login)"],
  ["os-auth-token", "OS_AUTH_TOKEN", "an existing token"],
];
const VALUE_FLAGS = new Set([...OS_FLAGS.map(([f]) => `--${f}`), "--rc", "--output", "-o", "--timeout"]);

/** The command the argv runs (`help X` runs X's help), found before commander parses. */
export function requestedName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") return argv[i + 1];
    if (a.startsWith("-")) {
      if (VALUE_FLAGS.has(a)) i++;
      continue;
    }
    if (a === "help") return argv.slice(i + 1).find((x) => !x.startsWith("-")) ?? a;
    return a;
  }
  return undefined;
}

function readBody(opts: Record<string, unknown>): unknown {
  const json = opts.bodyJson as string | undefined;
  const file = opts.bodyFile as string | undefined;
  if (json !== undefined && file !== undefined) throw usageError("give --body-json or --body-file, not both");
  let text = json;
  if (file !== undefined) {
    try {
      text = readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (e) {
      throw usageError(
        `--body-file ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  }
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw usageError(`${file !== undefined ? "--body-file" : "--body-json"}: not valid JSON`);
  }
}

function helpText(c: CommandSpec): string {
  return [c.summary, c.description, `API: ${c.method} ${c.path} (${c.api} ${c.operationId})`]
    .filter(Boolean)
    .join("\n\n");
}

export interface ProgramIo {
  writeOut(s: string): void;
  writeErr(s: string): void;
  columns: number | undefined;
  defaultOutput: OutputFormat;
}

export async function parseArgv(
  argv: readonly string[],
  commands: readonly CommandSpec[],
  extras: readonly ExtraCommand[],
  io: ProgramIo,
): Promise<Invocation> {
  const program = new Command("cloudpods")
    .description("The Cloudpods API from the command line: every spec operation, climc-style names.")
    .version(SDK_VERSION, "--version")
    .exitOverride()
    .configureOutput({
      writeOut: io.writeOut,
      writeErr: io.writeErr,
      ...(io.columns !== undefined
        ? { getOutHelpWidth: () => io.columns!, getErrHelpWidth: () => io.columns! }
        : {}),
    })
    .configureHelp({ showGlobalOptions: true, sortSubcommands: true })
    .addOption(
      new Option("-o, --output <format>", "output format (env CLIMC_OUTPUT_FORMAT)")
        .choices(OUTPUT_FORMATS)
        .default(io.defaultOutput),
    )
    .option("--debug", "print each request as a redacted curl line, and stacks", false)
    .option(
      "--rc <openrc>",
      "read OS_* variables from an openrc file (flags win over it, it wins over the env)",
    )
    .option("--insecure", "do not verify TLS certificates (YUNION_INSECURE)")
    .addOption(new Option("--timeout <seconds>", "per-request timeout").argParser(Number))
    .option("--no-token-cache", "log in afresh instead of reusing the cached token (~/.cache/cloudpods-sdk)");
  for (const [flag, , what] of OS_FLAGS) program.option(`--${flag} <value>`, what);

  const wanted = requestedName(argv);
  let result: Invocation | undefined;
  const global = (): GlobalOptions => {
    const g = program.opts();
    const env: Record<string, string> = {};
    for (const [flag, variable] of OS_FLAGS) {
      const v = g[new Option(`--${flag} <v>`).attributeName()] as string | undefined;
      if (v !== undefined) env[variable] = v;
    }
    return {
      output: g.output as OutputFormat,
      debug: g.debug === true,
      rc: g.rc as string | undefined,
      insecure: g.insecure as boolean | undefined,
      timeout: g.timeout as number | undefined,
      tokenCache: g.tokenCache !== false,
      env,
    };
  };

  // A known command is registered alone (start-up time); otherwise all are, for help and "did you mean".
  const known = commands.find((c) => c.name === wanted);
  for (const c of known ? [known] : commands) {
    const sub = program.command(c.name).summary(c.summary);
    if (c.name !== wanted) continue;
    sub.description(helpText(c));
    const shape = c.shape();
    for (const p of shape.pathParams) sub.argument(`<${p.name}>`, p.description);
    const attributes = new Map<string, FlagSpec>();
    for (const f of shape.flags) {
      const { options, attribute } = optionsFor(f);
      for (const o of options) sub.addOption(o);
      attributes.set(attribute, f);
    }
    if (shape.hasBody) {
      sub.option(
        "--body-json <json>",
        "the request body (or what goes inside its wrapper) as JSON; flags win",
      );
      sub.option("--body-file <path>", "like --body-json, read from a file (- for stdin)");
    }
    if (shape.upload) sub.option("--file <path>", "send this file's bytes as the request body");
    if (shape.download)
      sub.option("--save <path>", "write the answer's bytes to this file (default: a piped stdout)");
    if (c.listKey !== undefined) sub.option("--all", "every page (follows offset or paging marker)");
    const waits = waitTarget(c) !== undefined;
    if (waits) {
      sub.option("--wait", "wait until the resource reaches its steady status (or is gone)");
      sub.addOption(
        new Option("--wait-timeout <seconds>", "give up waiting after this long")
          .default(600)
          .argParser(Number),
      );
    }
    sub.action((...args: unknown[]) => {
      const opts = sub.opts();
      const values = new Map<FlagSpec, unknown>();
      for (const [attr, f] of attributes) values.set(f, opts[attr]);
      result = {
        kind: "api",
        global: global(),
        cmd: c,
        pathArgs: args.slice(0, shape.pathParams.length) as string[],
        values,
        body: readBody(opts),
        file: opts.file as string | undefined,
        save: opts.save as string | undefined,
        all: opts.all === true,
        wait: opts.wait === true,
        waitTimeoutS: Number(opts.waitTimeout ?? 600),
      };
    });
  }
  for (const x of extras) {
    const sub = program.command(x.name).summary(x.summary).description(x.summary);
    for (const a of x.args ?? []) sub.argument(a);
    for (const o of x.options ?? []) sub.addOption(o);
    sub.action((...args: unknown[]) => {
      result = {
        kind: "extra",
        global: global(),
        name: x.name,
        args: args.filter((a): a is string => typeof a === "string"),
        opts: sub.opts(),
      };
    });
  }
  await program.parseAsync([...argv], { from: "user" });
  if (result === undefined) {
    program.outputHelp();
    return { kind: "done", global: global() };
  }
  return result;
}
