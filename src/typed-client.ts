// createTypedClient(): any generated `paths` type behind any gateway, on the same runtime as createCloudpods
// (the session's auth, 401 replay and retries; the transport's timeouts, typed errors, debug redaction and
// TLS). One fixed base URL instead of a catalog; the auth plugin decides what every attempt carries.

import createClient, { type Client } from "openapi-fetch";
import type { AuthPlugin } from "./auth/types.js";
import { NODE_ONLY, defaultBase, type ConnectionOptions } from "./client.js";
import { invalidConfig } from "./errors.js";
import { createSession } from "./session.js";
import { createTransport, type FetchFn, type Transport } from "./transport.js";

export interface TypedClientOptions<A> extends ConnectionOptions {
  /** The gateway's URL, e.g. https://ks.example.com or an API group's domain. Trailing slashes are dropped. */
  baseUrl: string;
  /** KubeSphereAuth, AliyunApiGatewayAuth, KeystoneAuth or your own plugin. Bound to this client only. */
  auth: AuthPlugin<A>;
  /** Put before every API path, but not before logins: KubeSphere's `/clusters/{cluster}` (see kubeSphereCluster). */
  pathPrefix?: string | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- openapi-fetch's own bound
export type TypedClient<Paths extends {}, A = unknown> = Client<Paths> & {
  auth: AuthPlugin<A>;
  /** Releases the Node transport's sockets. */
  close(): Promise<void>;
};

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- openapi-fetch's own bound
export function createTypedClient<Paths extends {}, A = unknown>(
  o: TypedClientOptions<A>,
): TypedClient<Paths, A> {
  const tls = o.ca !== undefined || o.caFile !== undefined || o.insecure === true;
  if (o.fetch && tls) throw invalidConfig(NODE_ONLY);
  const baseUrl = o.baseUrl.replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]/i.test(baseUrl) || !URL.canParse(baseUrl))
    throw invalidConfig("baseUrl must be an http(s) URL");
  const prefix = (o.pathPrefix ?? "").replace(/\/+$/, "");
  if (prefix && !prefix.startsWith("/")) throw invalidConfig('pathPrefix must start with "/"');
  const { auth } = o;
  const onDebug = o.onDebug ?? (o.debug ? (line: string) => console.debug(line) : undefined);

  let base: FetchFn | Transport | undefined;
  let loading: Promise<Transport> | undefined;
  let ready: Transport | undefined;
  const load = async (): Promise<Transport> =>
    createTransport({
      ...o,
      fetch: (base = o.fetch ?? (await defaultBase(o, tls))),
      onDebug,
      secrets: () => auth.secrets(),
    });
  // Resolved on first use, so creating a client stays synchronous and never touches the network.
  const transport: Transport = (req, init) =>
    ready ? ready(req, init) : (loading ??= load()).then((t) => (ready = t)(req, init));

  auth.bind?.({ baseUrl, fetch: transport });
  const api = baseUrl + prefix;
  const session = createSession<A>({ ...o, auth, transport, resolve: () => api });
  const client = createClient<Paths>({ baseUrl: api, fetch: session.fetchFor("") });
  return Object.assign(client, {
    auth,
    close: async () => {
      await (base as { close?: () => Promise<void> } | undefined)?.close?.();
    },
  });
}
