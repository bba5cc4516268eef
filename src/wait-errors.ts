// The errors a waiter throws. Both carry the last state seen (the unwrapped resource) so a caller can log or
// act on it; their own file keeps them out of bundles that never wait.

import { CloudpodsError } from "./errors.js";

export interface WaitErrorInit {
  /** The path polled, e.g. `/servers/{id}` with the id filled in. */
  label: string;
  lastState: unknown;
  elapsedMs: number;
  cause?: unknown;
}

export class WaitTimeoutError extends CloudpodsError {
  override name = "WaitTimeoutError";
  declare readonly lastState: unknown;
  declare readonly elapsedMs: number;
  constructor(init: WaitErrorInit, timeoutMs: number) {
    const status = statusOf(init.lastState);
    super(
      `${init.label}: still ${status === undefined ? "not in the wanted state" : `"${status}"`} after ${timeoutMs} ms`,
      "WaitTimeout",
      { cause: init.cause },
    );
    this.lastState = init.lastState;
    this.elapsedMs = init.elapsedMs;
  }
}

export class WaitFailedError extends CloudpodsError {
  override name = "WaitFailedError";
  declare readonly lastState: unknown;
  declare readonly elapsedMs: number;
  /** The resource's `status` when it failed, e.g. `sched_fail`. */
  declare readonly resourceStatus: string | undefined;
  /** Why, when the resource says (see failReason in wait.ts). */
  declare readonly reason: string | undefined;
  constructor(init: WaitErrorInit, reason: string | undefined) {
    const status = statusOf(init.lastState);
    super(
      `${init.label}: ${status === undefined ? "failed" : `status "${status}"`}${reason ? `: ${reason}` : ""}`,
      "WaitFailed",
    );
    this.lastState = init.lastState;
    this.elapsedMs = init.elapsedMs;
    this.resourceStatus = status;
    this.reason = reason;
  }
}

export const statusOf = (state: unknown): string | undefined => {
  const s = (state as { status?: unknown } | null | undefined)?.status;
  return typeof s === "string" ? s : undefined;
};
