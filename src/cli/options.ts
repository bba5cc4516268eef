// commander Options for spec flags: value parsing by type (a bad integer or choice is a usage error that
// names the flag), repeatable arrays, and `--x` / `--x false` / `--no-x` for booleans.

import { InvalidArgumentError, Option } from "commander";
import type { FlagKind, FlagSpec } from "./flags.js";
import { closest } from "./usage.js";

function parseScalar(kind: FlagKind | undefined, raw: string, choices: string[] | undefined): unknown {
  if (choices && choices.length > 0 && !choices.includes(raw)) {
    const near = closest(raw, choices);
    throw new InvalidArgumentError(
      `expected one of ${choices.join(", ")}${near !== undefined ? ` (did you mean ${near}?)` : ""}`,
    );
  }
  switch (kind) {
    case "integer":
      if (!/^-?\d+$/.test(raw.trim())) throw new InvalidArgumentError("expected an integer");
      return Number(raw);
    case "number":
      if (raw.trim() === "" || !Number.isFinite(Number(raw)))
        throw new InvalidArgumentError("expected a number");
      return Number(raw);
    case "boolean":
      if (/^(true|1|yes|on)$/i.test(raw)) return true;
      if (/^(false|0|no|off)$/i.test(raw)) return false;
      throw new InvalidArgumentError("expected true or false");
    case "json":
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        throw new InvalidArgumentError("expected a JSON value, e.g. '[{\"size\": 10240}]'");
      }
    default:
      return raw;
  }
}

function describe(f: FlagSpec): string {
  const notes: string[] = [];
  if (f.required) notes.push("required");
  if (f.kind === "array") notes.push("repeatable");
  if (f.kind === "json") notes.push("JSON");
  if (f.choices && f.choices.length > 0) notes.push(`one of ${f.choices.join("|")}`);
  return [f.description, notes.length > 0 ? `(${notes.join("; ")})` : ""].filter(Boolean).join(" ");
}

const placeholder = (f: FlagSpec): string => {
  const k = f.kind === "array" ? f.item : f.kind;
  return k === "integer" || k === "number" ? "<n>" : k === "json" ? "<json>" : "<value>";
};

/** The Options of one flag (two for a boolean) and the attribute commander stores its value under. */
export function optionsFor(f: FlagSpec): { options: Option[]; attribute: string } {
  if (f.kind === "boolean") {
    // `--x`, `--x false` / `--x=false` (what the API docs' samples print) and `--no-x` all work.
    const on = new Option(`--${f.flag} [bool]`, describe(f))
      .preset(true)
      .argParser((raw: string) => parseScalar("boolean", raw, undefined));
    const off = new Option(`--no-${f.flag}`, `send ${f.key}=false`).hideHelp();
    return { options: [on, off], attribute: on.attributeName() };
  }
  const o = new Option(`--${f.flag} ${placeholder(f)}`, describe(f));
  if (f.kind === "array") {
    o.argParser((raw: string, prev: unknown) => [
      ...(Array.isArray(prev) ? prev : []),
      parseScalar(f.item, raw, f.choices),
    ]);
  } else {
    o.argParser((raw: string) => parseScalar(f.kind, raw, f.choices));
  }
  return { options: [o], attribute: o.attributeName() };
}
