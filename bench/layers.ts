// The CPU each layer of our Node path costs per request, each measured by itself (its neighbours replaced by
// constants) rather than as the difference of two large end-to-end figures:
//   openapi_fetch      the service client's own work (URL, headers, Request, result), over a constant answer
//   session            catalog URL, X-Auth-Token, retry bookkeeping, over a constant transport
//   transport          the platform-neutral wrapper (User-Agent, status checks, typed JSON), over a constant
//   node_adapter       Request → undici.request options and its answer → Response, over a constant dispatcher
//   body_parse         `response.json()` of the ~1 KB answer the adapter built (plain JSON.parse beside it)
// The wire itself (undici.request) is the throughput suite's yardstick.
import createClient from "openapi-fetch";
import type { Dispatcher } from "undici";
import type { paths as ComputePaths } from "../generated/compute.js";
import { KeystoneAuth } from "../src/auth/keystone.js";
import { serviceUrl } from "../src/catalog.js";
import { LightRequest } from "../src/request.js";
import { PLACEHOLDER_BASE, createSession } from "../src/session.js";
import { createNodeTransport } from "../src/transport-node.js";
import { NATIVE_TRANSPORT, createTransport, type Transport } from "../src/transport.js";
import { FIXTURE_NOW, service, tokenFixture } from "../test/fixtures/token.js";
import { serversBody } from "./server.js";
import { print, rounds, spread } from "./stats.js";

const BODY = new TextEncoder().encode(serversBody());
const HEADERS = {
  "content-type": "application/json;charset=utf-8",
  "content-length": String(BODY.length),
  date: new Date(FIXTURE_NOW).toUTCString(),
  connection: "keep-alive",
  "keep-alive": "timeout=120",
};

/** What undici.request resolves with for the bench server's answer, body already in memory. */
const DISPATCHER = {
  request: () =>
    Promise.resolve({
      statusCode: 200,
      headers: HEADERS,
      body: {
        arrayBuffer: () => Promise.resolve(BODY.slice().buffer),
        dump: () => Promise.resolve(),
        on() {
          return this;
        },
        destroy() {},
      },
    }),
  close: () => Promise.resolve(),
} as unknown as Dispatcher;

/** A layer's loop: `setup` (untimed) prepares one sample's inputs, `run` is what is measured. */
interface Layer {
  setup?: (n: number) => Promise<void>;
  run: (n: number) => Promise<void>;
}

const loop = (one: () => Promise<unknown>): Layer => ({
  run: async (n) => {
    for (let i = 0; i < n; i++) await one();
  },
});

export async function layersCpu(quick: boolean): Promise<void> {
  const node = createNodeTransport({ dispatcher: DISPATCHER });
  const base = "http://bench.invalid";
  const login = tokenFixture({ issuedAt: FIXTURE_NOW, catalog: [service("compute_v2", { public: base })] });
  const auth = new KeystoneAuth({
    authUrl: `${base}/v3`,
    credentials: { username: "sysadmin", password: "x", domain: "Default" },
    fetch: () => Promise.resolve(login.response()),
    now: () => FIXTURE_NOW,
  });
  await auth.getAccess();
  const answer = (): Promise<Response> => node(new LightRequest(`${base}/servers`) as unknown as Request);
  // The constant answer below each layer: Responses the adapter built before the timed loop (untimed
  // setup), so each layer sees the real type and none pays for building it.
  let pool: Response[] = [];
  const fill = async (n: number): Promise<void> => {
    pool = [];
    for (let i = 0; i < n; i++) pool.push(await answer());
  };
  const next = (): Promise<Response> => Promise.resolve(pool.pop()!);
  const constant = Object.assign((() => next()) as Transport, { [NATIVE_TRANSPORT]: true });
  const session = createSession({
    auth,
    transport: constant,
    resolve: (access, serviceType) =>
      serviceUrl(access.catalog, { serviceType, endpointType: "public", authUrl: `${base}/v3` }),
  }).fetchFor("compute_v2");
  const transport = createTransport({ fetch: constant });
  // Created as client.ts creates each service client.
  const client = createClient<ComputePaths>({
    baseUrl: PLACEHOLDER_BASE,
    fetch: next,
    Request: LightRequest as unknown as typeof Request,
  });
  const query = { limit: 20, offset: 0, details: true, scope: "system" } as const;
  const req = new LightRequest(`${PLACEHOLDER_BASE}/servers`) as unknown as Request;
  const withPool = (one: () => Promise<unknown>): Layer => ({ setup: fill, ...loop(one) });
  const layers: Record<string, Layer> = {
    openapi_fetch: withPool(() => client.GET("/servers")),
    openapi_fetch_query: withPool(() => client.GET("/servers", { params: { query } })),
    session: withPool(() => session(req)),
    transport: withPool(() => transport(req, { url: `${base}/servers`, body: null })),
    node_adapter: loop(() => answer()),
    body_parse: {
      setup: fill,
      run: async (n) => {
        for (let i = 0; i < n; i++) await pool.pop()!.json();
      },
    },
    json_parse_alone: loop(async () => JSON.parse(new TextDecoder().decode(BODY)) as unknown),
  };
  const n = quick ? 1_000 : 4_000;
  for (const l of Object.values(layers)) {
    await l.setup?.(n);
    await l.run(n);
  }
  const samples = await rounds(
    Object.fromEntries(Object.entries(layers).map(([name, l]) => [name, () => l.run(n)])),
    {
      maxRounds: quick ? 3 : 9,
      budgetMs: quick ? 2_000 : 8_000,
      setup: async (name) => layers[name]!.setup?.(n),
    },
  );
  let total: number[] | undefined;
  for (const name of Object.keys(layers)) {
    const us = samples[name]!.map((s) => s.cpuUs / n);
    print(`client.layers.${name}_cpu_us_per_request`, spread(us, "µs"));
    if (!name.includes("query") && name !== "json_parse_alone")
      total = total ? total.map((t, i) => t + us[i]!) : us;
  }
  print("client.layers.sum_cpu_us_per_request", spread(total!, "µs"), "(the wire not included)");
  await node.close();
}
