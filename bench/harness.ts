// What every client benchmark shares: the request loop, our client's options and its GET.
import type { paths as ComputePaths } from "../generated/compute.js";
import type { Cloudpods, CloudpodsOptions } from "../src/index.js";
import type { BenchServer } from "./server.js";

export type One = () => Promise<unknown>;

type ServersQuery = NonNullable<ComputePaths["/servers"]["get"]["parameters"]["query"]>;

/** `n` calls of `one`, `inFlight` at a time. */
export async function drive(one: One, n: number, inFlight: number): Promise<void> {
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started++ < n) await one();
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, worker));
}

export const ok = (status: number, what: string): void => {
  if (status !== 200) throw new Error(`${what}: GET /servers answered ${status}`);
};

export function sdkOptions(server: BenchServer, extra: Partial<CloudpodsOptions> = {}): CloudpodsOptions {
  return {
    authUrl: `${server.url}/v3`,
    credentials: { username: "sysadmin", password: server.password, domain: "Default" },
    project: { name: "system", domain: "Default" },
    region: "region0",
    ...extra,
  };
}

/** One `compute.GET("/servers")`, with a query when given, checked for a 200 and its data returned. */
export function oursGet(cp: Cloudpods, query?: ServersQuery): One {
  const init = query ? { params: { query } } : {};
  return async () => {
    const { data, response } = await cp.compute.GET("/servers", init);
    ok(response.status, "ours");
    return data;
  };
}
