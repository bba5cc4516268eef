// Waiters for Cloudpods' asynchronous writes: a create answers at once with `status: init` and the resource
// reaches `running` (or a `*_fail` status) later. Like gophercloud's WaitForStatus and openstacksdk's
// wait_for_server: poll a GET, unwrap `{"server": {...}}`, stop on the wanted state, a failure state, the
// deadline or an abort. Loaded on first use (client.ts imports it dynamically).

import { defaultSleep } from "./backoff.js";
import { scrub } from "./errorbody.js";
import { CloudpodsError, invalidConfig } from "./errors.js";
import { failed, resultError, type ApiResult } from "./result-error.js";
import { WaitFailedError, WaitTimeoutError, statusOf } from "./wait-errors.js";

export interface WaitCommonOptions<T> {
  /** A failure state: the wait ends with WaitFailedError. Default: status ends in `_fail` or `_failed`. */
  failWhen?: ((state: T) => boolean) | undefined;
  /** The failure reason for WaitFailedError. Default: see `failReason` below. */
  failReason?: ((state: T) => string | undefined) | undefined;
  /** Whole wait, polls included. Default 600 000 (10 minutes). */
  timeoutMs?: number | undefined;
  /** First delay between polls; each next one is 1.5 times longer, up to maxIntervalMs. Default 2 000. */
  intervalMs?: number | undefined;
  /** Cap for one delay. Default the larger of intervalMs and 10 000. */
  maxIntervalMs?: number | undefined;
  /** Aborting rejects the wait with the signal's reason and cancels the poll in flight. */
  signal?: AbortSignal | undefined;
  /** After each answer that did not end the wait. */
  onProgress?: ((state: T, elapsedMs: number) => void) | undefined;
  /** Test hooks. `sleep` must reject when its signal aborts. */
  now?: (() => number) | undefined;
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  random?: (() => number) | undefined;
}

export interface WaitOptions<T> extends WaitCommonOptions<T> {
  /** The wanted state. */
  until: (state: T) => boolean;
}

export interface WaitForDeleteOptions<T> extends WaitCommonOptions<T> {
  /** Also done when the resource is `pending_deleted` (in the recycle bin). Default false. */
  pendingDeleted?: boolean | undefined;
}

/** One GET of the resource (with `query` added to the caller's); the signal ends at the deadline or abort. */
export type Poll = (signal: AbortSignal, query?: Record<string, unknown>) => Promise<ApiResult>;

const TRANSIENT = new Set([429, 500, 502, 503, 504]);
const FAILED = /_fail(ed)?$/;
const DELETE_FAILED = /delete_fail(ed)?$/;

/** `/servers/{id}` with its path parameters filled in, for messages. */
export function waitLabel(path: string, params: unknown): string {
  const values = (params as { path?: Record<string, unknown> } | undefined)?.path ?? {};
  return path.replace(/\{(\w+)\}/g, (m, k: string) => (values[k] === undefined ? m : String(values[k])));
}

/** `{"server": {...}}` → the server; anything else as it is. */
export function unwrap(data: unknown): unknown {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return data;
  const values = Object.values(data);
  const only = values[0];
  return values.length === 1 && only !== null && typeof only === "object" ? only : data;
}

/**
 * What a resource says about its failure. Cloudpods keeps the scheduler's or driver's message in the action
 * log, not on the resource; what the resource itself can carry is a `fail_reason`-style string, or, with
 * `show_fail_reason`, the `delete_fail_reason` / `update_fail_reason` error objects ({code, class, details}).
 */
export function failReason(state: unknown): string | undefined {
  const s = (state ?? {}) as Record<string, unknown>;
  for (const k of ["fail_reason", "failed_reason", "reason", "delete_fail_reason", "update_fail_reason"]) {
    const v = s[k];
    if (typeof v === "string" && v !== "") return v;
    if (v && typeof v === "object") {
      const o = v as { details?: unknown; class?: unknown };
      const text = [o.class, o.details].filter((x) => typeof x === "string" && x !== "").join(": ");
      if (text) return text;
    }
  }
  return undefined;
}

/** Network failures and per-request timeouts: worth another poll while time is left. */
const transientError = (e: unknown): boolean =>
  CloudpodsError.isInstance(e) && (e.code === "ConnectionError" || e.code === "TimeoutError");

type Decision = { done: true; value: unknown } | { done: false; state: unknown };

async function poll<T>(
  get: Poll,
  label: string,
  o: WaitCommonOptions<T>,
  decide: (r: ApiResult, signal: AbortSignal) => Decision | Promise<Decision>,
): Promise<unknown> {
  const { timeoutMs = 600_000, intervalMs = 2_000, signal } = o;
  const maxIntervalMs = o.maxIntervalMs ?? Math.max(intervalMs, 10_000);
  for (const [name, v] of Object.entries({ timeoutMs, intervalMs, maxIntervalMs })) {
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) {
      throw invalidConfig(`wait ${label}: ${name} must be a positive number of milliseconds`);
    }
  }
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? defaultSleep;
  const random = o.random ?? Math.random;
  const start = now();
  let last: unknown;
  const timeout = (cause?: unknown) =>
    new WaitTimeoutError({ label, lastState: last, elapsedMs: now() - start, cause }, timeoutMs);

  // One signal for the poll in flight and the sleep: the caller's abort or the deadline.
  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort(signal!.reason);
  if (signal?.aborted) throw signal.reason;
  signal?.addEventListener("abort", onAbort, { once: true });
  const DEADLINE = Symbol("deadline");
  const timer = setTimeout(() => ctrl.abort(DEADLINE), timeoutMs);
  const stopped = (cause: unknown) => (signal?.aborted ? signal.reason : timeout(cause));
  try {
    for (let attempt = 0; ; attempt++) {
      let r: ApiResult | undefined;
      try {
        r = await get(ctrl.signal);
      } catch (e) {
        if (ctrl.signal.aborted) throw stopped(e);
        if (!transientError(e)) throw e;
      }
      if (r && !(failed(r) && TRANSIENT.has(r.response.status))) {
        const d = await decide(r, ctrl.signal);
        if (d.done) return d.value;
        last = d.state;
        o.onProgress?.(last as T, now() - start);
      }
      const left = start + timeoutMs - now();
      if (left <= 0 || ctrl.signal.aborted) throw stopped(undefined);
      // Equal jitter: between half and all of the capped delay, so many waiters do not poll in step.
      const capped = Math.min(maxIntervalMs, intervalMs * 1.5 ** attempt);
      const delay = Math.min(left, Math.floor(capped / 2 + (random() * capped) / 2));
      try {
        await sleep(delay, ctrl.signal);
      } catch (e) {
        throw stopped(e);
      }
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

async function failure<T>(
  label: string,
  state: unknown,
  o: WaitCommonOptions<T>,
  started: number,
  secrets: readonly string[],
  get: Poll,
  signal: AbortSignal,
): Promise<WaitFailedError> {
  let reason = o.failReason ? o.failReason(state as T) : failReason(state);
  if (reason === undefined && !o.failReason) {
    // What the API offers: show_fail_reason=true adds delete_fail_reason / update_fail_reason. Best effort:
    // a server or proxy refusing the parameter only costs the reason.
    const r = await get(signal, { show_fail_reason: true }).catch(() => undefined);
    if (r && !failed(r)) reason = failReason(unwrap(r.data));
  }
  const elapsedMs = (o.now ?? Date.now)() - started;
  // The reason is server text: it may echo input.
  return new WaitFailedError({ label, lastState: state, elapsedMs }, scrub(reason, secrets));
}

/** Polls until `until` holds (resolving with the unwrapped resource) or throws; a 404 is an HttpError. */
export async function waitFor<T>(
  get: Poll,
  label: string,
  o: WaitOptions<T>,
  secrets: () => readonly string[],
): Promise<T> {
  if (typeof o?.until !== "function") throw invalidConfig(`waitFor ${label}: options.until is required`);
  const failWhen = o.failWhen ?? ((s: T) => FAILED.test(statusOf(s) ?? ""));
  const started = (o.now ?? Date.now)();
  return (await poll(get, label, o, async (r, signal) => {
    if (failed(r)) throw resultError("GET", label, r, secrets());
    const state = unwrap(r.data) as T;
    if (o.until(state)) return { done: true, value: state };
    if (failWhen(state)) throw await failure(label, state, o, started, secrets(), get, signal);
    return { done: false, state };
  })) as T;
}

/** Polls until the GET answers 404 (or `pending_deleted` when asked); a `delete_fail` status throws. */
export async function waitForDelete<T>(
  get: Poll,
  label: string,
  o: WaitForDeleteOptions<T> = {},
  secrets: () => readonly string[],
): Promise<void> {
  const failWhen = o.failWhen ?? ((s: T) => DELETE_FAILED.test(statusOf(s) ?? ""));
  const started = (o.now ?? Date.now)();
  await poll(get, label, o, async (r, signal) => {
    if (r.response.status === 404) return { done: true, value: undefined };
    if (failed(r)) throw resultError("GET", label, r, secrets());
    const state = unwrap(r.data) as T & { pending_deleted?: unknown; deleted?: unknown };
    if (state.deleted === true || (o.pendingDeleted && state.pending_deleted === true)) {
      return { done: true, value: undefined };
    }
    if (failWhen(state)) throw await failure(label, state, o, started, secrets(), get, signal);
    return { done: false, state };
  });
}
