// Errors → stderr and an exit code: 2 for usage and configuration errors (commander has already printed its
// own, with a suggestion), 1 for API and other failures. Expected errors print no stack unless --debug.

import { CommanderError } from "commander";
import { CloudpodsError, HttpError } from "../errors.js";
import { USAGE } from "./usage.js";

export function report(e: unknown, debug: boolean, writeErr: (s: string) => void): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  const stack = (): void => {
    if (debug && e instanceof Error && e.stack) writeErr(`${e.stack}\n`);
  };
  if (CloudpodsError.isInstance(e)) {
    if (e.code === USAGE || e.code === "InvalidConfig") {
      writeErr(`error: ${e.message}\n`);
      stack();
      return 2;
    }
    writeErr(`error: ${e.message}\n`);
    if (e instanceof HttpError || e.status !== undefined) {
      const h = e as HttpError;
      if (h.class !== undefined) writeErr(`  class:      ${h.class}\n`);
      if (h.details !== undefined) writeErr(`  details:    ${h.details}\n`);
      if (h.status !== undefined) writeErr(`  status:     ${h.status}\n`);
      if (h.requestId !== undefined) writeErr(`  request id: ${h.requestId}\n`);
    }
    stack();
    return 1;
  }
  // Not one of ours: a bug or an environment failure. Its stack is the useful part.
  writeErr(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  if (e instanceof Error && e.stack)
    writeErr(`${debug ? e.stack : e.stack.split("\n").slice(0, 4).join("\n")}\n`);
  return 1;
}
