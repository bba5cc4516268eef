// Waiting for an integration peer (Keystone under uwsgi, keystone-manage, Prism) by following the process
// rather than a fixed clock: on a loaded two-core machine a start that takes 40 s is slow, not dead. A peer
// is given up on only when it exits, when neither its CPU time (its whole process tree) nor its output has
// moved for `idleMs`, or past a generous `maxMs`; the failure quotes the peer's own log.
import type { ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

export interface FollowOptions {
  /** Names the peer in errors, e.g. "Keystone (uwsgi)". */
  name: string;
  child: ChildProcess;
  /** The peer's own log as it is now (a tail is quoted on failure; its growth counts as progress). */
  log: () => string;
  /** No CPU and no output for this long: stuck. Default 60 000. */
  idleMs?: number;
  /** Hard cap, however busy the peer is. Default 300 000. */
  maxMs?: number;
  pollMs?: number;
}

const exited = (c: ChildProcess): boolean => c.exitCode !== null || c.signalCode !== null;

/** utime+stime (clock ticks) of `pid` and every descendant, from /proc; undefined where there is no /proc. */
export function treeCpuTicks(pid: number): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      // Fields after the ")" that closes the command name: state ppid ... utime(12) stime(13).
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(e), Number(f[1]));
      ticks.set(Number(e), Number(f[11]) + Number(f[12]));
    } catch {
      // the process ended while we looked
    }
  }
  let sum = 0;
  for (const [p, t] of ticks) {
    for (
      let q: number | undefined = p, hops = 0;
      q !== undefined && q > 1 && hops < 64;
      q = parent.get(q), hops++
    )
      if (q === pid) {
        sum += t;
        break;
      }
  }
  return sum;
}

export const tailOf = (text: string, lines = 25): string =>
  text.trimEnd().split("\n").slice(-lines).join("\n") || "(the log is empty)";

/**
 * Resolves with `probe()`'s first defined value, polling while the peer makes progress. Rejects when the
 * peer exits, stalls for idleMs or runs past maxMs, quoting its log. `probe` errors count as "not yet".
 */
export async function followUntil<T>(o: FollowOptions, probe: () => Promise<T | undefined>): Promise<T> {
  const { child, idleMs = 60_000, maxMs = 300_000, pollMs = 100 } = o;
  const started = Date.now();
  let lastProgress = started;
  let lastTicks = child.pid === undefined ? undefined : treeCpuTicks(child.pid);
  let lastLog = o.log().length;
  let lastSample = started;
  for (;;) {
    // Probed first: for followToExit the exit itself is the answer.
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (exited(child)) {
      const how = child.exitCode !== null ? `exit code ${child.exitCode}` : `signal ${child.signalCode}`;
      throw new Error(`${o.name} exited (${how}) before it was ready. Its log:\n${tailOf(o.log())}`);
    }
    const now = Date.now();
    if (now - lastSample >= 1_000) {
      lastSample = now;
      const ticks = child.pid === undefined ? undefined : treeCpuTicks(child.pid);
      const log = o.log().length;
      // Without /proc only the log can show progress.
      if (ticks !== lastTicks || log !== lastLog) lastProgress = now;
      [lastTicks, lastLog] = [ticks, log];
    }
    const waited = now - started;
    if (now - lastProgress > idleMs || waited > maxMs) {
      const why =
        waited > maxMs ? `still not ready after ${waited} ms` : `no CPU time or output for ${idleMs} ms`;
      throw new Error(`${o.name} is not ready: ${why}. Its log:\n${tailOf(o.log())}`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Resolves when the process exits 0; rejects on another exit, or as followUntil does when it stalls. */
export async function followToExit(o: FollowOptions): Promise<void> {
  const { child } = o;
  let code: number | null | undefined = exited(child) ? child.exitCode : undefined;
  child.once("exit", (c) => (code = c));
  try {
    const c = await followUntil(o, async () => (code === undefined ? undefined : { code }));
    if (c.code !== 0) throw new Error(`${o.name} failed (exit code ${c.code}). Its log:\n${tailOf(o.log())}`);
  } catch (err) {
    if (!exited(child)) child.kill("SIGKILL");
    throw err;
  }
}
