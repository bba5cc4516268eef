// Shared helpers for the benchmarks: alternating rounds, CPU and wall per sample, and the `name: value`
// output lines (a figure is the median of its rounds, printed with the rounds' min–max).
import { performance } from "node:perf_hooks";

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/**
 * Runs the candidates in alternation (a b a b ...) so both see the same machine load, after one warm-up
 * each unless `warmUp` is false (for runs of many seconds, where one-time costs are noise), and returns
 * every sample in milliseconds, per candidate.
 */
export async function sideBySide(
  runs: number,
  candidates: Record<string, () => Promise<unknown>>,
  warmUp = true,
): Promise<Record<string, number[]>> {
  const names = Object.keys(candidates);
  if (warmUp) for (const n of names) await candidates[n]!();
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < runs; i++) for (const n of names) samples[n]!.push(await timeOnce(candidates[n]!));
  return samples;
}

/** One sample: wall milliseconds and this process's CPU microseconds (user + system, every thread). */
export interface Sample {
  wallMs: number;
  cpuUs: number;
}

/**
 * Alternates the candidates (a b c, a b c, ...) so all see the same machine load; returns every sample per
 * candidate. Stops after maxRounds, or once budgetMs is spent after minRounds.
 */
export async function rounds(
  candidates: Record<string, () => Promise<unknown>>,
  o: {
    maxRounds: number;
    budgetMs: number;
    minRounds?: number;
    /** Untimed, before each timed run of a candidate. */
    setup?: (name: string) => Promise<unknown>;
  },
): Promise<Record<string, Sample[]>> {
  const names = Object.keys(candidates);
  const samples: Record<string, Sample[]> = Object.fromEntries(names.map((n) => [n, []]));
  const start = performance.now();
  const { maxRounds, budgetMs, minRounds = 3 } = o;
  for (let r = 0; r < maxRounds && (r < minRounds || performance.now() - start < budgetMs); r++) {
    for (const n of names) {
      await o.setup?.(n);
      const t = performance.now();
      const c = process.cpuUsage();
      await candidates[n]!();
      const d = process.cpuUsage(c);
      samples[n]!.push({ wallMs: performance.now() - t, cpuUs: d.user + d.system });
    }
  }
  return samples;
}

const fixed = (v: number): string =>
  Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2);

/** "median (min–max a–b)" of a list of figures. */
export function spread(xs: number[], unit = ""): string {
  const u = unit ? ` ${unit}` : "";
  return `${fixed(median(xs))}${u} (min–max ${fixed(Math.min(...xs))}–${fixed(Math.max(...xs))})`;
}

export function print(name: string, value: number | string, unit = ""): void {
  const v = typeof value === "number" ? fixed(value) : value;
  console.log(`${name}: ${v}${unit ? ` ${unit}` : ""}`);
}

/** A ratio figure: `name: <median> x (<note>, rounds <min>–<max>)`, the headline format. */
export function printRatio(name: string, ratios: number[], note: string): void {
  const range = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  print(name, median(ratios), `x (${note}; rounds ${range})`);
}
