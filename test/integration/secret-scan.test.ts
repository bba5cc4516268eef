// No credential in any error or debug line: the fault table of fault-scenarios.ts is run once per credential
// kind with KNOWN secrets, and every text a user could print is searched for the password, the AK/SK secret
// (echoed by the server in token.access_key), the token credential and every token the fake server issued.
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Credentials } from "../../src/index.js";
import { closedPort, startFaultServer } from "./fault-server.js";
import {
  SCENARIOS,
  TIMEOUT_MS,
  runScenario,
  type FaultEnv,
  type Outcome,
  type Scenario,
} from "./fault-scenarios.js";
import { pastTimers, watchProcessEvents, type ProcessEvents } from "./process-events.js";

const PASSWORD = "pw-Zq8!vN3#kT6@secret-scan";
const ACCESS_KEY = "4f2c9a7d1e6b4c0a8f3d5e7a9b1c2d3e";
const SECRET = "U2VjcmV0U2Nhbi1zay1xV3J0eVVpT3BBc0RmR2hKa0w=";
const TOKEN_CREDENTIAL = "gAAAAABsecretscanTokenCredential_9d8c7b6a5f4e3d2c1b0a";

interface Kind {
  name: string;
  credentials: Credentials;
  /** Extra `token` fields the server answers with: the AK/SK login echoes the secret there. */
  tokenExtra: Record<string, unknown>;
}

const KINDS: readonly Kind[] = [
  {
    name: "password",
    credentials: { username: "sysadmin", password: PASSWORD, domain: "Default" },
    tokenExtra: {},
  },
  {
    name: "AK/SK",
    credentials: { accessKey: ACCESS_KEY, secret: SECRET },
    tokenExtra: { access_key: { id: ACCESS_KEY, secret: SECRET, expire: 0 } },
  },
  { name: "token", credentials: { token: TOKEN_CREDENTIAL }, tokenExtra: {} },
];

/** Every text a caller may print from an outcome, labelled for the failure report. */
function texts(o: Outcome): [string, string][] {
  const out: [string, string][] = o.debug.map((line, i) => [`debug[${i}]`, line]);
  if (o.ok) return out;
  const e = o.error as Error;
  out.push(
    ["message", String(e?.message)],
    ["String(err)", String(e)],
    ["JSON.stringify(err)", String(JSON.stringify(e))],
    ["inspect(err)", inspect(e, { depth: 5 })],
    ["stack", String(e?.stack)],
  );
  return out;
}

let env: FaultEnv;
let events: ProcessEvents;

beforeAll(async () => {
  events = watchProcessEvents();
  const [server, other, port] = await Promise.all([startFaultServer(), startFaultServer(), closedPort()]);
  env = { server, other, closedPort: port };
});

afterAll(async () => {
  events?.stop();
  await Promise.all([env?.server.close(), env?.other.close()]);
});

async function scan(kind: Kind, scenarios: readonly Scenario[]) {
  env.server.tokenExtra = kind.tokenExtra;
  const leaks: string[] = [];
  const debug: string[] = [];
  let logins = 0;
  for (const sc of scenarios) {
    events.label = `${kind.name} ${sc.id}`;
    const o = await runScenario(sc, env, { credentials: kind.credentials });
    logins += env.server.count("POST", "/v3/auth/tokens");
    debug.push(...o.debug);
    // The issued list grows as scenarios log in, so it is read after each run.
    const secrets = [PASSWORD, SECRET, TOKEN_CREDENTIAL, ...env.server.issued];
    for (const [where, text] of texts(o)) {
      for (const s of secrets) if (text.includes(s)) leaks.push(`${sc.id} ${where}: …${s.slice(0, 6)}…`);
    }
  }
  return { leaks, debug, logins };
}

describe.each(KINDS)("secret scan with $name credentials", (kind) => {
  it("shows no password, secret or token in any error, debug line or inspection", async () => {
    const { leaks, debug, logins } = await scan(kind, SCENARIOS);
    expect(leaks).toEqual([]);
    expect(env.server.issued.length).toBeGreaterThan(0);
    // The scan must be able to fail: debug output exists and carries the redactions it promises.
    expect(logins).toBeGreaterThan(0);
    const loginLines = debug.filter((l) => l.startsWith("curl ") && l.includes("/v3/auth/tokens"));
    expect(loginLines.length).toBeGreaterThanOrEqual(logins);
    // Tokens as {SHA256} prefixes, passwords and secrets as ***.
    for (const line of loginLines) expect(line).toMatch(/\{SHA256\}[0-9a-f]{8}|":"\*\*\*"/);
    const computeLines = debug.filter((l) => l.startsWith("curl ") && l.includes("/servers"));
    expect(computeLines.length).toBeGreaterThan(0);
    for (const line of computeLines) expect(line).toMatch(/'x-auth-token: \{SHA256\}[0-9a-f]{8}'/);
    // Nothing fires once the scenarios' timers have run out (vitest once saw "1 unhandled error" here).
    await pastTimers(TIMEOUT_MS + 200);
    expect(events.fired).toEqual([]);
  });
});
