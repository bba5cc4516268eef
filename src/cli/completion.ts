// Shell completion: `cloudpods completion bash|zsh` prints a script that asks the bin itself
// (`cloudpods __complete <words...>`) for candidates, so completion always matches the installed specs.

import type { CommandSpec } from "./commands.js";
import { optionsFor } from "./options.js";
import { requestedName } from "./program.js";
import { waitTarget } from "./wait.js";

const BASH = `# cloudpods bash completion: eval "$(cloudpods completion bash)"
_cloudpods_complete() {
  local IFS=$'\\n'
  COMPREPLY=( $(cloudpods __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
}
complete -o default -F _cloudpods_complete cloudpods
`;

const ZSH = `#compdef cloudpods
# cloudpods zsh completion: eval "$(cloudpods completion zsh)" (after compinit)
_cloudpods() {
  local -a candidates
  candidates=("\${(@f)$(cloudpods __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _cloudpods cloudpods
`;

export const SHELLS = ["bash", "zsh"] as const;

export function completionScript(shell: string): string | undefined {
  return shell === "bash" ? BASH : shell === "zsh" ? ZSH : undefined;
}

const GLOBAL_FLAGS = ["--output", "--debug", "--rc", "--insecure", "--timeout", "--no-token-cache", "--help"];
const EXTRA_NAMES = ["help", "completion"];

/** Candidates for the last of `words` (the one being typed), one per line. */
export function complete(
  words: readonly string[],
  commands: readonly CommandSpec[],
  extras: readonly string[],
): string[] {
  const current = words[words.length - 1] ?? "";
  const before = words.slice(0, -1);
  const name = requestedName(before);
  const cmd = commands.find((c) => c.name === name);
  if (name === undefined || (!cmd && !extras.includes(name) && !EXTRA_NAMES.includes(name))) {
    if (current.startsWith("-")) return GLOBAL_FLAGS.filter((f) => f.startsWith(current));
    return [...commands.map((c) => c.name), ...extras, ...EXTRA_NAMES]
      .filter((n) => n.startsWith(current))
      .sort();
  }
  if (name === "completion") return ["bash", "zsh"].filter((s) => s.startsWith(current));
  if (!cmd) return [];
  const shape = cmd.shape();
  const prev = before[before.length - 1];
  const prevFlag = shape.flags.find((f) => `--${f.flag}` === prev);
  if (prevFlag?.choices) return prevFlag.choices.filter((c) => c.startsWith(current));
  if (prev === "--output" || prev === "-o")
    return ["table", "json", "yaml", "kv"].filter((c) => c.startsWith(current));
  if (!current.startsWith("-")) return [];
  const flags = shape.flags.flatMap((f) => optionsFor(f).options.map((o) => o.long ?? ""));
  if (shape.hasBody) flags.push("--body-json", "--body-file");
  if (cmd.listKey !== undefined) flags.push("--all");
  if (waitTarget(cmd) !== undefined) flags.push("--wait", "--wait-timeout");
  if (shape.upload) flags.push("--file");
  if (shape.download) flags.push("--save");
  return [...flags, ...GLOBAL_FLAGS].filter((f) => f !== "" && f.startsWith(current));
}
