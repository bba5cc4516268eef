// Shared helpers for the benchmarks: side-by-side timing and the `name: value` output lines.
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
 * each, and returns the median milliseconds of each.
 */
export async function sideBySide(
  runs: number,
  candidates: Record<string, () => Promise<unknown>>,
): Promise<Record<string, number>> {
  const names = Object.keys(candidates);
  for (const n of names) await candidates[n]!();
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < runs; i++) for (const n of names) samples[n]!.push(await timeOnce(candidates[n]!));
  return Object.fromEntries(names.map((n) => [n, median(samples[n]!)]));
}

export function print(name: string, value: number | string, unit = ""): void {
  const v = typeof value === "number" ? (Number.isInteger(value) ? String(value) : value.toFixed(2)) : value;
  console.log(`${name}: ${v}${unit ? ` ${unit}` : ""}`);
}
