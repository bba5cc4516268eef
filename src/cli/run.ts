// The bin's body, with its world injected (argv, env, streams) so it can be driven in-process as well as
// spawned: parse, run the command on the library's client, report errors as exit codes.

import { AKSK_COMMANDS, runAksk } from "./aksk.js";
import { complete, completionScript, SHELLS } from "./completion.js";
import { loadCommands } from "./commands.js";
import { execute } from "./execute.js";
import { outputFormatFrom } from "./output.js";
import { parseArgv, type ExtraCommand, type Invocation } from "./program.js";
import { report } from "./report.js";
import { openClient } from "./session.js";
import { usageError } from "./usage.js";

export interface Stream {
  write(s: string | Uint8Array, done?: () => void): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface RunWorld {
  env: Record<string, string | undefined>;
  stdout: Stream;
  stderr: Stream;
}

const EXTRAS: ExtraCommand[] = [
  ...AKSK_COMMANDS,
  { name: "completion", summary: "Print a bash or zsh completion script", args: ["<shell>"] },
];

export async function run(argv: readonly string[], world: RunWorld): Promise<number> {
  const out = (s: string) => world.stdout.write(s);
  const err = (s: string) => world.stderr.write(s);
  const width = world.stdout.columns ?? (Number(world.env.COLUMNS) || 120);
  let debug = argv.includes("--debug");
  try {
    const commands = await loadCommands();
    if (argv[0] === "__complete") {
      const lines = complete(
        argv.slice(1),
        commands,
        EXTRAS.map((x) => x.name),
      );
      if (lines.length > 0) out(`${lines.join("\n")}\n`);
      return 0;
    }
    const envFormat = outputFormatFrom(world.env.CLIMC_OUTPUT_FORMAT);
    const inv: Invocation = await parseArgv(argv, commands, EXTRAS, {
      writeOut: out,
      writeErr: err,
      columns: world.stdout.columns,
      defaultOutput: envFormat ?? "table",
    });
    debug = inv.global.debug;
    if (inv.kind === "done") return 0;
    if (inv.kind === "extra" && inv.name === "completion") {
      const script = completionScript(inv.args[0] ?? "");
      if (script === undefined) throw usageError(`completion: one of ${SHELLS.join(", ")}`);
      out(script);
      return 0;
    }
    const cp = await openClient(inv.global, world.env, err);
    try {
      const format = inv.global.output;
      if (inv.kind === "api") {
        await execute(cp, inv, format, {
          writeOut: out,
          writeErr: err,
          width,
          stderrTty: world.stderr.isTTY === true,
          stdoutTty: world.stdout.isTTY === true,
          writeBytes: (chunk) => new Promise<void>((resolve) => world.stdout.write(chunk, resolve)),
          waitIntervalMs: Number(world.env.CLOUDPODS_WAIT_INTERVAL_MS) || 2000,
        });
      } else {
        out(await runAksk(cp, inv.name, inv.opts, { format, width }));
      }
    } finally {
      await cp.close();
    }
    return 0;
  } catch (e) {
    return report(e, debug, err);
  }
}
