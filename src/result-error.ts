// The HttpError for a failed openapi-fetch result ({ data, error, response }), whose body openapi-fetch has
// already read: the SDK's own helpers (access keys, waiters) throw it where a caller of GET/POST would read
// `error` themselves. Loaded lazily, since it pulls in the error-body reader.

import { errorFields } from "./errorbody.js";
import { HttpError } from "./errors.js";

export interface ApiResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** True when openapi-fetch reported an error or the status is not 2xx. */
export const failed = (r: ApiResult): boolean => r.error !== undefined || !r.response.ok;

/** `method` may be "" when unknown. `secrets` are scrubbed from the server's text: Cloudpods echoes request input in `details`. */
export function resultError(
  method: string,
  label: string,
  r: ApiResult,
  secrets: readonly string[],
): HttpError {
  const { error, response } = r;
  const text = typeof error === "string" ? error : error === undefined ? "" : JSON.stringify(error);
  const e = new HttpError({ ...errorFields(response, text, secrets), method, url: response.url || label });
  // A result alone does not say its method (batch items): the message then starts at the URL.
  if (!method) e.message = e.message.trimStart();
  return e;
}
