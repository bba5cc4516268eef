// Usage errors: wrong arguments, unknown commands or flags, unreadable --body-file. The bin exits 2 on them.

import { CloudpodsError } from "../errors.js";

export const USAGE = "Usage";

export const usageError = (message: string, cause?: unknown): CloudpodsError =>
  new CloudpodsError(message, USAGE, { cause });

/** Levenshtein distance, for "did you mean" on values commander does not check itself. */
export function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The closest of `candidates` to `word`, if any is close enough to be a plausible typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
