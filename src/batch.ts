// Batch actions over many items (Cloudpods' own BatchDo runs one goroutine per id with untyped results):
// bounded concurrency, one typed result per item in input order, openapi-fetch `error` results counted as
// failures, and an abort that stops starting items but lets the ones in flight finish, so nothing settles
// after the caller has its answer.

import { invalidConfig } from "./errors.js";
import { resultError, type ApiResult } from "./result-error.js";

export interface BatchOk<T, R> {
  item: T;
  value: R;
}
export interface BatchFailed<T> {
  item: T;
  /** What `fn` threw; an HttpError for an API error result; the abort reason for items never started. */
  error: unknown;
}
export type BatchItemResult<T, R> = BatchOk<T, R> | BatchFailed<T>;

export interface BatchResult<T, R> {
  /** In input order. */
  ok: BatchOk<T, R>[];
  /** In input order. `failed.map((f) => f.item)` is what to run again. */
  failed: BatchFailed<T>[];
  /** Every item's result, in input order. */
  results: BatchItemResult<T, R>[];
}

export interface BatchOptions<T, R> {
  /** Items in flight at once. Default 8. */
  concurrency?: number | undefined;
  /** Stops starting new items; those not started fail with the abort reason. */
  signal?: AbortSignal | undefined;
  /** After each item settles. */
  onProgress?: ((done: number, total: number, result: BatchItemResult<T, R>) => void) | undefined;
}

/** An openapi-fetch result ({ data?, error?, response }) whose `error` is set. */
const isErrorResult = (v: unknown): v is ApiResult =>
  v !== null &&
  typeof v === "object" &&
  "response" in v &&
  v.response instanceof Response &&
  (v as ApiResult).error !== undefined;

export async function batch<T, R>(
  items: Iterable<T>,
  fn: (item: T, index: number, signal: AbortSignal | undefined) => Promise<R>,
  o: BatchOptions<T, R> = {},
  secrets: () => readonly string[] = () => [],
): Promise<BatchResult<T, R>> {
  const { concurrency = 8, signal, onProgress } = o;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw invalidConfig("batch: concurrency must be a positive integer");
  }
  if (typeof fn !== "function") throw invalidConfig("batch: fn must be a function");
  const list = Array.from(items);
  const results: BatchItemResult<T, R>[] = new Array<BatchItemResult<T, R>>(list.length);
  let next = 0;
  let done = 0;
  const settle = (i: number, r: BatchItemResult<T, R>) => {
    results[i] = r;
    onProgress?.(++done, list.length, r);
  };
  async function worker(): Promise<void> {
    while (next < list.length && !signal?.aborted) {
      const i = next++;
      const item = list[i]!;
      try {
        const value = await fn(item, i, signal);
        settle(
          i,
          isErrorResult(value)
            ? { item, error: resultError("", `item ${i}`, value, secrets()) }
            : { item, value },
        );
      } catch (error) {
        settle(i, { item, error });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
  for (let i = next; i < list.length; i++) settle(i, { item: list[i]!, error: signal?.reason });
  const ok: BatchOk<T, R>[] = [];
  const failed: BatchFailed<T>[] = [];
  for (const r of results) ("error" in r ? failed : ok).push(r as never);
  return { ok, failed, results };
}
