// The flat Cloudpods error body (`{"class","code","details","time"}`) and the classes the recordings show.
// Handlers throw SandboxHttpError; the router turns it into the body, so no handler writes an error by hand.

export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorClass: string,
    readonly details: string,
  ) {
    super(`${status} ${errorClass}: ${details}`);
  }
}

const fail = (status: number, errorClass: string) => (details: string) =>
  new SandboxHttpError(status, errorClass, details);

export const inputError = fail(400, "InputParameterError");
export const missingParameter = (name: string): SandboxHttpError =>
  new SandboxHttpError(400, "MissingParameterError", `Missing parameter ${name}`);
export const invalidStatus = fail(400, "InvalidStatusError");
export const unauthorized = (details: string): SandboxHttpError =>
  new SandboxHttpError(401, "UnauthorizedError", `unauthorized ${details}`);
export const forbidden = fail(403, "ForbiddenError");
export const notFound = (keyword: string, id: string): SandboxHttpError =>
  new SandboxHttpError(404, "ResourceNotFoundError", `${keyword} ${id} not found`);
export const handlerNotFound = (): SandboxHttpError =>
  new SandboxHttpError(404, "NotFoundError", "Handler not found");
export const duplicateName = (keyword: string, name: string): SandboxHttpError =>
  new SandboxHttpError(409, "DuplicateNameError", `Duplicate name ${keyword} ${name}`);
export const notImplemented = (operationId: string): SandboxHttpError =>
  new SandboxHttpError(
    501,
    "NotImplementedError",
    `${operationId} is in the spec but has no state in the sandbox yet`,
  );

/** What a failed token check gives on a resource call: Cloudpods treats it as an anonymous caller. */
export const notEnoughPrivilege = (service: string, resource: string, action: string): SandboxHttpError =>
  forbidden(
    `ListItems: listItemQueryFiltersRaw: ${JSON.stringify({
      error: {
        class: "ForbiddenError",
        code: 403,
        details: `not enough privilege to do ${service}:${resource}:${action}`,
      },
    })}`,
  );

/** Cloudpods prints times in the server's zone; the sandbox's zone is UTC+8 like the recordings'. */
export function cloudpodsTime(now: number): string {
  const t = new Date(now + 8 * 3600_000).toISOString().slice(0, 19);
  return `${t}+08:00`;
}

export const errorBody = (e: SandboxHttpError, now: number): Record<string, unknown> => ({
  class: e.errorClass,
  code: e.status,
  details: e.details,
  time: cloudpodsTime(now),
});
