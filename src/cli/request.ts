// Turns a command's parsed arguments into the HTTP request: path parameters into the path, query flags into
// a repeated-key query string (Cloudpods' `status=a&status=b`), header flags into headers, and body flags
// over `--body-json`/`--body-file` inside the resource wrapper.

import { readFileSync } from "node:fs";
import { PLACEHOLDER_BASE } from "../session.js";
import type { CommandSpec } from "./commands.js";
import type { FlagSpec } from "./flags.js";
import { usageError } from "./usage.js";

export interface CallInput {
  /** Positional path parameters, in path order. */
  pathArgs: readonly string[];
  /** Parsed flag values by flag (`vcpu-count`). */
  values: ReadonlyMap<FlagSpec, unknown>;
  /** `--body-json` / `--body-file`, parsed. */
  body?: unknown;
  /** `--file`: a file whose bytes are the body. */
  file?: string | undefined;
}

export interface CallParts {
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: unknown;
  /** Raw bytes instead of a JSON body. */
  raw?: Uint8Array | undefined;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function callParts(cmd: CommandSpec, input: CallInput): CallParts {
  const shape = cmd.shape();
  let path = cmd.path;
  shape.pathParams.forEach((p, i) => {
    const v = input.pathArgs[i];
    if (v === undefined || v === "") throw usageError(`${cmd.name}: missing argument <${p.name}>`);
    path = path.replace(`{${p.name}}`, encodeURIComponent(v));
  });
  const query: Record<string, unknown> = {};
  const headers: Record<string, string> = {};
  const fields: Record<string, unknown> = {};
  const top: Record<string, unknown> = {};
  for (const [flag, value] of input.values) {
    if (value === undefined) continue;
    if (flag.in === "query") query[flag.key] = value;
    else if (flag.in === "header") headers[flag.key] = String(value);
    else (flag.top ? top : fields)[flag.key] = value;
  }
  let body: unknown;
  const given = input.body;
  if (given !== undefined || Object.keys(fields).length > 0 || Object.keys(top).length > 0) {
    if (!shape.hasBody) throw usageError(`${cmd.name} takes no request body`);
    const wrapper = shape.bodyWrapper;
    if (wrapper === undefined) {
      body = isObj(given)
        ? { ...given, ...fields, ...top }
        : given === undefined
          ? { ...fields, ...top }
          : given;
    } else {
      // --body-json may be the whole `{"server": {...}}` or just what goes inside it.
      const outer = isObj(given) && isObj(given[wrapper]) ? given : { [wrapper]: given ?? {} };
      const inner = outer[wrapper];
      body = { ...outer, ...top, [wrapper]: isObj(inner) ? { ...inner, ...fields } : inner };
    }
  }
  if (input.file !== undefined) {
    if (body !== undefined) throw usageError(`${cmd.name}: give --file or body fields, not both`);
    try {
      // Read whole: the session buffers every body anyway, so that a 401 retry can replay it.
      return { path, query, headers, body: undefined, raw: readFileSync(input.file) };
    } catch (e) {
      throw usageError(
        `--file ${input.file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  }
  return { path, query, headers, body };
}

/** The query string: arrays as repeated keys, everything else as its string form. */
export function queryString(query: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) {
      q.append(k, typeof item === "object" ? JSON.stringify(item) : String(item));
    }
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

export function buildRequest(method: string, parts: CallParts, query = parts.query): Request {
  const headers = new Headers(parts.headers);
  let body: BodyInit | null = null;
  if (parts.raw !== undefined) {
    headers.set("Content-Type", "application/octet-stream");
    body = parts.raw as Uint8Array<ArrayBuffer>;
  } else if (parts.body !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(parts.body);
  }
  return new Request(`${PLACEHOLDER_BASE}${parts.path}${queryString(query)}`, { method, headers, body });
}
