// `--wait` on create/start/stop/delete, on the library's waiters (src/wait.ts: backoff, deadline, `*_fail`
// states): a progress line on a TTY, rewritten in place, and one plain line per status change otherwise.

import type { Poll } from "../wait.js";
import type { CommandSpec } from "./commands.js";

export interface WaitTarget {
  /** Statuses that end the wait; empty for delete, which waits for a 404. */
  statuses: readonly string[];
  gone: boolean;
}

const TARGETS: Readonly<Record<string, WaitTarget>> = {
  create: { statuses: ["running", "ready", "available", "active"], gone: false },
  start: { statuses: ["running"], gone: false },
  stop: { statuses: ["ready"], gone: false },
  delete: { statuses: [], gone: true },
};

/** What `--wait` waits for on this command, or undefined when it has no `--wait`. */
export function waitTarget(cmd: Pick<CommandSpec, "name" | "path">): WaitTarget | undefined {
  // Only resources with a `GET /<collection>/{id}` to poll: `/servers`, `/servers/{id}`, `/servers/{id}/stop`.
  if (!/^\/[^/{}]+(\/\{[^/]+\}(\/[^/{}]+)?)?$/.test(cmd.path)) return undefined;
  const verb = cmd.name.slice(cmd.name.lastIndexOf("-") + 1);
  return TARGETS[verb];
}

export interface WaitOptions {
  label: string;
  timeoutMs: number;
  intervalMs: number;
  /** A TTY gets one rewritten progress line; otherwise one line per status change. */
  tty: boolean;
  write: (s: string) => void;
  secrets: () => readonly string[];
}

const statusOf = (state: unknown): string =>
  typeof (state as { status?: unknown } | null)?.status === "string"
    ? (state as { status: string }).status
    : "";

/** Resolves with the final (unwrapped) resource, or undefined once a deleted one answers 404. */
export async function waitFor(target: WaitTarget, poll: Poll, o: WaitOptions): Promise<unknown> {
  const lib = await import("../wait.js");
  let last: string | undefined;
  const show = (status: string, elapsedMs: number, done = false) => {
    if (o.tty) o.write(`\r\x1b[K${o.label}: ${status} (${Math.round(elapsedMs / 1000)}s)${done ? "\n" : ""}`);
    else if (status !== last) o.write(`${o.label}: ${status}\n`);
    last = status;
  };
  const started = Date.now();
  const common = {
    timeoutMs: o.timeoutMs,
    intervalMs: o.intervalMs,
    onProgress: (state: unknown, elapsedMs: number) => show(statusOf(state) || "waiting", elapsedMs),
  };
  try {
    if (target.gone) {
      // A server in the recycle bin (`pending_deleted`) is gone as far as the command is concerned.
      await lib.waitForDelete(poll, o.label, { ...common, pendingDeleted: true }, o.secrets);
      show("deleted", Date.now() - started, true);
      return undefined;
    }
    const final = await lib.waitFor<unknown>(
      poll,
      o.label,
      // A resource with no status (an identity object) is done as soon as it exists.
      { ...common, until: (s) => statusOf(s) === "" || target.statuses.includes(statusOf(s)) },
      o.secrets,
    );
    show(statusOf(final) || "done", Date.now() - started, true);
    return final;
  } catch (e) {
    if (o.tty && last !== undefined) o.write("\n");
    throw e;
  }
}
