// The KubeSphere login calls (gateways.md §1.1, §1.3) and the reading of their answers. 3.x/4.x: the OAuth 2
// password and refresh-token grants, form-encoded, at POST /oauth/token (client_id/client_secret are required
// from 3.2 on and ignored by 3.0/3.1). 2.1: POST /kapis/iam.kubesphere.io/v1alpha2/login with JSON, which
// answers a bare access_token with a sliding server-side idle timeout (no expiry, no refresh).

import { errorFields } from "../errorbody.js";
import { AuthenticationError, CloudpodsError, HttpError, responseInit } from "../errors.js";

export type KubeSphereApi = "oauth" | "v2.1";

export const OAUTH_TOKEN_PATH = "/oauth/token";
export const V21_LOGIN_PATH = "/kapis/iam.kubesphere.io/v1alpha2/login";

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export type Grant =
  { type: "password"; username: string; password: string } | { type: "refresh_token"; refreshToken: string };

/** What a login answered. `expiresInMs` is undefined when the token has no fixed expiry (2.1, member clusters). */
export interface GrantResult {
  accessToken: string;
  refreshToken: string | undefined;
  expiresInMs: number | undefined;
}

export function grantRequest(
  baseUrl: string,
  api: KubeSphereApi,
  grant: Grant,
  client: OAuthClient,
): Request {
  if (api === "v2.1") {
    if (grant.type !== "password")
      throw new CloudpodsError("KubeSphere 2.1 has no refresh grant", "InvalidConfig");
    return new Request(baseUrl + V21_LOGIN_PATH, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: grant.username, password: grant.password }),
    });
  }
  const form = new URLSearchParams(
    grant.type === "password"
      ? { grant_type: "password", username: grant.username, password: grant.password }
      : { grant_type: "refresh_token", refresh_token: grant.refreshToken },
  );
  form.set("client_id", client.clientId);
  form.set("client_secret", client.clientSecret);
  return new Request(baseUrl + OAUTH_TOKEN_PATH, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: form.toString(),
  });
}

/**
 * The token of a successful answer, or the error: a 4xx (an OAuth `error` such as invalid_grant or
 * invalid_client, as `class`) is an AuthenticationError; 429 and 5xx are HttpErrors (worth a later try).
 */
export async function readGrant(
  res: Response,
  req: Request,
  secrets: readonly string[],
): Promise<GrantResult> {
  const text = await res.text();
  const where = { method: req.method, url: req.url };
  if (!res.ok) {
    const init = { ...errorFields(res, text, secrets), ...where };
    if (res.status === 429 || res.status < 400 || res.status > 499) throw new HttpError(init);
    throw new AuthenticationError(init);
  }
  let body: { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // reported below: no access_token
  }
  if (typeof body?.access_token !== "string" || body.access_token === "")
    throw new CloudpodsError(
      "the KubeSphere login answer has no access_token",
      "MissingAccessToken",
      responseInit(res),
    );
  const expires = Number(body.expires_in);
  return {
    accessToken: body.access_token,
    refreshToken:
      typeof body.refresh_token === "string" && body.refresh_token ? body.refresh_token : undefined,
    // 0 or absent: no fixed expiry (the chart sets accessTokenMaxAge 0s on member clusters).
    expiresInMs: Number.isFinite(expires) && expires > 0 ? expires * 1000 : undefined,
  };
}
