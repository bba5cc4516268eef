// `--wait` on create/start/stop/delete: poll the resource until its status is a steady one (or it is gone,
// for delete), with a progress line on a TTY and one plain line per status change otherwise. A `*fail*`
// status ends the wait as an error.

import { CloudpodsError, TimeoutError } from "../errors.js";
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

/** The poll: status code and parsed body of `GET /<collection>/{id}`. */
export type Probe = () => Promise<{ status: number; data: unknown }>;

export interface WaitOptions {
  label: string;
  timeoutMs: number;
  intervalMs: number;
  /** A TTY gets one rewritten progress line; otherwise one line per status change. */
  tty: boolean;
  write: (s: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const statusOf = (data: unknown): string | undefined => {
  const o = data as Record<string, unknown> | null;
  const inner = o && typeof o === "object" && Object.keys(o).length === 1 ? Object.values(o)[0] : o;
  const s = (inner as Record<string, unknown> | null)?.status;
  return typeof s === "string" ? s : undefined;
};

export async function waitFor(target: WaitTarget, probe: Probe, o: WaitOptions): Promise<unknown> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const start = now();
  let last: string | undefined;
  const show = (status: string, done = false) => {
    const secs = Math.round((now() - start) / 1000);
    if (o.tty) o.write(`\r\x1b[K${o.label}: ${status} (${secs}s)${done ? "\n" : ""}`);
    else if (status !== last) o.write(`${o.label}: ${status}\n`);
    last = status;
  };
  for (;;) {
    const { status, data } = await probe();
    if (target.gone && status === 404) {
      show("deleted", true);
      return undefined;
    }
    if (status >= 400) {
      if (o.tty) o.write("\n");
      throw new CloudpodsError(`${o.label}: polling answered ${status}`, "WaitFailed", { status });
    }
    const s = statusOf(data) ?? "";
    if (!target.gone && (s === "" || target.statuses.includes(s))) {
      show(s || "done", true);
      return data;
    }
    if (/fail/i.test(s)) {
      show(s, true);
      throw new CloudpodsError(`${o.label}: status ${s}`, "WaitFailed");
    }
    show(s);
    if (now() - start >= o.timeoutMs) {
      if (o.tty) o.write("\n");
      throw new TimeoutError("WAIT", o.label, o.timeoutMs);
    }
    await sleep(o.intervalMs);
  }
}
