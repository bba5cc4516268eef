// Our full client against a local server in a child process (bench/server.ts), side by side with
// undici.request, plain fetch + JSON.parse and plain openapi-fetch, sequentially and 50 in flight, with and
// without a 4-parameter query. The goal figure is client CPU per request (process.cpuUsage(): the server
// runs elsewhere), since wall time on a shared machine is mostly the neighbours' noise; wall throughput is
// printed beside it. Ratios are paired by round (the candidates of one round ran back to back).
import createClient from "openapi-fetch";
import { request } from "undici";
import type { paths as ComputePaths } from "../generated/compute.js";
import { createCloudpods } from "../src/index.js";
import { drive, oursGet, ok, sdkOptions, type One } from "./harness.js";
import type { BenchServer } from "./server.js";
import { print, printRatio, rounds, spread, type Sample } from "./stats.js";

/** Four parameters, as a list page would send them. */
const QUERY = { limit: 20, offset: 0, details: true, scope: "system" } as const;
const QUERY_STRING = "?limit=20&offset=0&details=true&scope=system";

interface Mode {
  label: string;
  n: number;
  inFlight: number;
}

export async function throughput(server: BenchServer, quick: boolean): Promise<void> {
  const ours = createCloudpods(sdkOptions(server));
  const oursPlatform = createCloudpods(sdkOptions(server, { fetch: globalThis.fetch }));
  const token = (await ours.auth.getAccess()).token;
  const url = `${server.url}/servers`;
  const headers = { "X-Auth-Token": token };
  const plain = createClient<ComputePaths>({ baseUrl: server.url, headers });
  const undici =
    (u: string): One =>
    async () => {
      const { statusCode, body } = await request(u, { headers });
      ok(statusCode, "undici.request");
      return body.json();
    };
  const one: Record<string, One> = {
    undici_request: undici(url),
    ours: oursGet(ours),
    undici_request_query: undici(url + QUERY_STRING),
    ours_query: oursGet(ours, QUERY),
    // The platform-fetch path's yardstick: what a page would write by hand.
    fetch_json_parse: async () => {
      const res = await fetch(url, { headers });
      ok(res.status, "fetch");
      return JSON.parse(await res.text()) as unknown;
    },
    ours_platform_fetch: oursGet(oursPlatform),
    openapi_fetch: async () => {
      const { data, response } = await plain.GET("/servers");
      ok(response.status, "openapi-fetch");
      return data;
    },
  };
  const modes: Mode[] = [
    { label: "sequential", n: quick ? 300 : 1000, inFlight: 1 },
    { label: "in_flight_50", n: quick ? 600 : 2000, inFlight: 50 },
  ];
  try {
    for (const m of modes) {
      // Warm-up: JIT, login, and every candidate's connection pool filled to this mode's width.
      for (const f of Object.values(one)) await drive(f, Math.max(300, m.inFlight * 6), m.inFlight);
      const samples = await rounds(
        Object.fromEntries(Object.entries(one).map(([name, f]) => [name, () => drive(f, m.n, m.inFlight)])),
        { maxRounds: quick ? 3 : 7, budgetMs: quick ? 4_000 : 20_000 },
      );
      report(m, samples);
    }
  } finally {
    await ours.close();
    await oursPlatform.close();
  }
}

function report(m: Mode, samples: Record<string, Sample[]>): void {
  const cpu = (name: string): number[] => samples[name]!.map((s) => s.cpuUs / m.n);
  const rate = (name: string): number[] => samples[name]!.map((s) => m.n / (s.wallMs / 1000));
  for (const name of Object.keys(samples)) {
    print(`client.${m.label}.${name}_cpu_us_per_request`, spread(cpu(name), "µs"));
    print(`client.${m.label}.${name}_req_per_s`, spread(rate(name).map(Math.round)));
  }
  // Speed ratios (> 1: ours is faster): the yardstick's time over ours, round by round.
  const ratio = (ours: string, base: string, field: keyof Sample): number[] =>
    samples[ours]!.map((s, i) => samples[base]![i]![field] / s[field]);
  const line = (name: string, ours: string, base: string, goal?: string): void => {
    const wall = spread(ratio(ours, base, "wallMs"));
    printRatio(
      `client.${m.label}.${name}`,
      ratio(ours, base, "cpuUs"),
      `CPU per request; wall ${wall}${goal ? `; goal ${goal}` : ""}`,
    );
  };
  line("ours_vs_undici_request", "ours", "undici_request", "≥ 0.90");
  line("ours_vs_undici_request_query", "ours_query", "undici_request_query", "≥ 0.90");
  line("ours_platform_fetch_vs_fetch_json_parse", "ours_platform_fetch", "fetch_json_parse", "≥ 0.90");
  line("ours_vs_raw_fetch", "ours", "fetch_json_parse");
  line("openapi_fetch_vs_raw_fetch", "openapi_fetch", "fetch_json_parse");
  line("undici_request_vs_raw_fetch", "undici_request", "fetch_json_parse");
}
