// Fault injection for users' tests: the next N requests matching a method and a path fail with a status,
// have their connection reset, or are delayed. Rules are checked in the order they were added.

import { invalidConfig } from "../errors.js";

export interface FaultMatch {
  /** Any method when absent. */
  method?: string | undefined;
  /**
   * A RegExp tested on the request path, or a string that the path equals or ends with (so `/servers`
   * also matches `/api/s/compute_v2/r/region0/servers` through the gateway).
   */
  path: string | RegExp;
  /** How many matching requests the fault hits; default 1. */
  times?: number | undefined;
}

export type FaultAction =
  | { kind: "status"; status: number; errorClass: string; details: string }
  | { kind: "reset" }
  | { kind: "delay"; ms: number };

export interface FaultRule {
  readonly match: FaultMatch;
  readonly action: FaultAction;
  /** Requests still to hit. */
  remaining: number;
  /** Requests hit so far. */
  hits: number;
}

export interface Faults {
  /** Answers the next matching requests with `status` and a flat Cloudpods error body. */
  failNext(match: FaultMatch & { status: number; errorClass?: string; details?: string }): FaultRule;
  /** Destroys the connection of the next matching requests without an answer. */
  resetNext(match: FaultMatch): FaultRule;
  /** Holds the next matching requests for `ms` before answering them normally. */
  delayNext(match: FaultMatch & { ms: number }): FaultRule;
  clear(): void;
  readonly rules: readonly FaultRule[];
}

const CLASS_BY_STATUS: Record<number, string> = {
  400: "InputParameterError",
  403: "ForbiddenError",
  404: "ResourceNotFoundError",
  409: "ConflictError",
  429: "TooManyRequestsError",
  500: "InternalServerError",
  502: "BadGatewayError",
  503: "ServiceUnavailableError",
  504: "TimeoutError",
};

export class FaultTable implements Faults {
  private list: FaultRule[] = [];

  get rules(): readonly FaultRule[] {
    return this.list;
  }

  private add(match: FaultMatch, action: FaultAction): FaultRule {
    const times = match.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw invalidConfig("fault `times` must be an integer >= 1");
    const rule: FaultRule = { match: { ...match }, action, remaining: times, hits: 0 };
    this.list.push(rule);
    return rule;
  }

  failNext(m: FaultMatch & { status: number; errorClass?: string; details?: string }): FaultRule {
    if (!Number.isInteger(m.status) || m.status < 400 || m.status > 599)
      throw invalidConfig("fault `status` must be an HTTP error status (400-599)");
    const errorClass = m.errorClass ?? CLASS_BY_STATUS[m.status] ?? "UnclassifiedError";
    return this.add(m, {
      kind: "status",
      status: m.status,
      errorClass,
      details: m.details ?? "injected by the sandbox",
    });
  }

  resetNext(m: FaultMatch): FaultRule {
    return this.add(m, { kind: "reset" });
  }

  delayNext(m: FaultMatch & { ms: number }): FaultRule {
    if (!(m.ms >= 0)) throw invalidConfig("fault `ms` must be >= 0");
    return this.add(m, { kind: "delay", ms: m.ms });
  }

  clear(): void {
    this.list = [];
  }

  /** The action for this request, consuming one hit of the first matching rule. */
  take(method: string, path: string): FaultAction | undefined {
    const rule = this.list.find(
      (r) =>
        r.remaining > 0 &&
        (!r.match.method || r.match.method.toUpperCase() === method) &&
        (typeof r.match.path === "string"
          ? path === r.match.path || path.endsWith(r.match.path)
          : r.match.path.test(path)),
    );
    if (!rule) return undefined;
    rule.remaining--;
    rule.hits++;
    if (rule.remaining === 0) this.list = this.list.filter((r) => r !== rule);
    return rule.action;
  }
}
