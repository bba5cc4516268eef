// The `cloudpods` CLI sample: the command named by the CLI's own commandName(), path parameters as
// positional arguments (climc's `server-show <id>`), query and body fields as --kebab-case flags.
import { bodyFields, isPlainObject, type SampleRequest } from "./request.js";
import { shellQuote } from "./shell.js";

export function cliLine(command: string, request: SampleRequest): string {
  const words = ["cloudpods", command, ...request.pathParams.map(([, v]) => shellQuote(text(v)))];
  for (const [name, value] of [...request.query, ...bodyFields(request.body)])
    words.push(...flag(name, value));
  return words.join(" ");
}

function flag(name: string, value: unknown): string[] {
  const option = `--${name
    .replace(/[_.\s]+/g, "-")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()}`;
  if (value === true) return [option];
  // A list is the flag repeated; an object is given as JSON.
  if (Array.isArray(value) && value.every((v) => !isPlainObject(v) && !Array.isArray(v)))
    return value.flatMap((v) => [option, shellQuote(text(v))]);
  return [option, shellQuote(text(value))];
}

const text = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));
