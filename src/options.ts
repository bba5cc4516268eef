// createCloudpods' option checks, in one place so every layer below can trust its numbers: a NaN retry count
// once retried forever. Each message names the option; none quotes a value that could be a secret.

import { invalidConfig } from "./errors.js";

const ENDPOINT_TYPES = ["public", "internal", "admin", "publicURL", "internalURL", "adminURL", "apigateway"];

/** The numeric options and their paths in the options object. */
interface Checked {
  timeoutMs?: number | undefined;
  maxResponseBytes?: number | undefined;
  refreshMarginMs?: number | undefined;
  authFailureCooldownMs?: number | undefined;
  endpointType?: string | undefined;
  retry?:
    | false
    | {
        retries?: number | undefined;
        baseMs?: number | undefined;
        maxMs?: number | undefined;
        methods?: readonly string[] | undefined;
      }
    | undefined;
}

function count(name: string, value: unknown, integer = false): void {
  if (value === undefined) return;
  const ok = typeof value === "number" && Number.isFinite(value) && value >= 0;
  if (!ok || (integer && !Number.isInteger(value)))
    throw invalidConfig(`${name} must be a finite number ≥ 0${integer ? " (an integer)" : ""}`);
}

/** Throws InvalidConfig naming the first option that cannot work. */
export function checkOptions(o: Checked): void {
  count("timeoutMs", o.timeoutMs);
  count("maxResponseBytes", o.maxResponseBytes, true);
  count("refreshMarginMs", o.refreshMarginMs);
  count("authFailureCooldownMs", o.authFailureCooldownMs);
  if (o.endpointType !== undefined && !ENDPOINT_TYPES.includes(o.endpointType))
    throw invalidConfig(`endpointType must be one of ${ENDPOINT_TYPES.join(", ")}`);
  const r = o.retry;
  if (r === undefined || r === false) return;
  if (typeof r !== "object" || r === null) throw invalidConfig("retry must be an object or false");
  count("retry.retries", r.retries, true);
  count("retry.baseMs", r.baseMs);
  count("retry.maxMs", r.maxMs);
  if (r.methods !== undefined && (!Array.isArray(r.methods) || r.methods.some((m) => typeof m !== "string")))
    throw invalidConfig("retry.methods must be a list of HTTP method names");
}
