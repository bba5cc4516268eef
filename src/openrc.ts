// openrc files (Cloudpods installs hand out /root/.onecloud_rcadmin; OpenStack dashboards export them too):
// the `export K=V` lines a shell would source, read without running a shell. Single quotes are literal,
// double quotes take the \" \\ \$ \` escapes, `$HOME`-style references are kept as written (nothing is
// expanded or executed), and lines that are not assignments (`unset`, `read`, `if ...; fi`, `echo`) are
// skipped. The result remembers where each variable was set, so fromEnv can name the file line of a bad one.
// Errors name variables and lines, never values: an openrc holds a password.

import type * as Fs from "node:fs/promises";
import { invalidConfig } from "./errors.js";

export type OpenrcEnv = Record<string, string>;

const sources = new WeakMap<object, { file: string; lines: Map<string, number> }>();

/** `file:line` where `name` was last set in the openrc `env` came from, if it came from one. */
export function sourceLine(env: object, name: string): string | undefined {
  const s = sources.get(env);
  const line = s?.lines.get(name);
  return line === undefined ? undefined : `${s!.file}:${line}`;
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** The value after `=`: quoted parts, unquoted words, up to unquoted whitespace or a comment. */
function readValue(raw: string): { value: string } | { problem: string } {
  let value = "";
  for (let i = 0; i < raw.length;) {
    const ch = raw[i]!;
    if (ch === "'") {
      const end = raw.indexOf("'", i + 1);
      if (end < 0) return { problem: "unterminated single quote" };
      value += raw.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < raw.length && raw[j] !== '"'; j++) {
        if (raw[j] === "\\" && '"\\$`'.includes(raw[j + 1] ?? "")) value += raw[++j];
        else value += raw[j];
      }
      if (j >= raw.length) return { problem: "unterminated double quote" };
      i = j + 1;
    } else if (/\s/.test(ch)) {
      // `export A=1 # note` or `A=1; B=2`: the rest must be a comment or nothing for the value to be sure.
      const rest = raw.slice(i).trim();
      if (rest && !rest.startsWith("#")) return { problem: "unquoted whitespace in the value" };
      break;
    } else if (ch === ";" || ch === "&" || ch === "|" || ch === "`" || (ch === "$" && raw[i + 1] === "(")) {
      return { problem: "shell syntax in the value (quote it, or set it by hand)" };
    } else if (ch === "\\") {
      value += raw[i + 1] ?? "";
      i += 2;
    } else {
      value += ch;
      i++;
    }
  }
  return { value };
}

/** Parses openrc text; `file` names it in errors. Every bad line is reported in ONE InvalidConfig error. */
export function parseOpenrc(text: string, file = "openrc"): OpenrcEnv {
  const env: OpenrcEnv = {};
  const lines = new Map<string, number>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const m = ASSIGNMENT.exec(line);
    if (!m) return;
    const [, name, raw] = m as unknown as [string, string, string];
    const r = readValue(raw);
    if ("problem" in r) problems.push(`${file}:${i + 1}: ${name}: ${r.problem}`);
    else {
      env[name] = r.value;
      lines.set(name, i + 1);
    }
  });
  if (problems.length) throw invalidConfig(`invalid openrc: ${problems.join("; ")}`);
  sources.set(env, { file, lines });
  return env;
}

// In a variable so that bundlers do not follow it: only loadOpenrc needs the file system.
const FS = "node:fs/promises";

/** Reads and parses an openrc file; pass the result to fromEnv(). */
export async function loadOpenrc(path: string): Promise<OpenrcEnv> {
  const { readFile } = (await import(FS)) as typeof Fs;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw invalidConfig(`cannot read openrc ${path}: ${(e as { code?: string }).code ?? "error"}`, e);
  }
  return parseOpenrc(text, path);
}
