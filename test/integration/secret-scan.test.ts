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

/**
 * A password drawn from the characters that defeat naive scrubbing: quotes, backslashes, control characters,
 * non-ASCII, URL-reserved ones. Seeded, so a failure can be replayed.
 */
function generatedPassword(seed: number): string {
  const alphabet = [
    '"',
    "\\",
    "'",
    "\u0001",
    "\u001f",
    "\t",
    "\n",
    "é",
    "中",
    "😀",
    "%",
    "+",
    "&",
    "=",
    " ",
    "/",
    "?",
    "#",
  ];
  let x = seed;
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31), x);
  let out = `gen${seed}-`;
  for (let i = 0; i < 16; i++)
    out += alphabet[next() % alphabet.length]! + String.fromCharCode(97 + (next() % 26));
  return out;
}

const GENERATED = [1, 2].map(generatedPassword);

const KINDS: readonly Kind[] = [
  ...GENERATED.map((password, i) => ({
    name: `generated password ${i + 1}`,
    credentials: { username: "sysadmin", password, domain: "Default" },
    tokenExtra: {},
  })),
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
  if (o.ok) {
    // An API result's error body is what a caller prints (the README's quick start does).
    const error = (o.value as { error?: unknown } | undefined)?.error;
    if (error !== undefined)
      out.push(["result.error", JSON.stringify(error)], ["inspect(result.error)", inspect(error)]);
    return out;
  }
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

/**
 * What a leak may look like: the secret raw, JSON-escaped once or twice, URL-encoded, and the first 12
 * characters of each (a message cut before scrubbing). Written here, not taken from the code under test.
 */
function leakForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = [secret, json, JSON.stringify(json).slice(1, -1), encodeURIComponent(secret)];
  return [...new Set([...forms, ...forms.map((f) => f.slice(0, 12))])];
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
    const secrets = [PASSWORD, SECRET, TOKEN_CREDENTIAL, ...GENERATED, ...env.server.issued];
    for (const [where, text] of texts(o)) {
      for (const s of secrets) {
        if (leakForms(s).some((f) => text.includes(f))) leaks.push(`${sc.id} ${where}: …${s.slice(0, 6)}…`);
      }
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
  });
});

describe("after every scan", () => {
  it("fired no unhandledRejection or uncaughtException once every scenario's timeout has passed", async () => {
    // Vitest once saw "1 unhandled error" here: a discarded body's timer, timeoutMs after its scenario.
    events.label = "after the last scan";
    await pastTimers(TIMEOUT_MS + 200);
    expect(events.fired).toEqual([]);
  });
});
