// The specs against reality: every example in the specs, and every exchange captured from a real Cloudpods
// keystone, validates against the schema the spec gives for that operation.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { collectExamples, loadValidator, repoRoot, type SpecValidator } from "./validator.js";

const fixture = (p: string) => readFileSync(path.join(repoRoot, "test/fixtures", p), "utf8");
interface Exchange {
  status: number;
  body: string;
}
interface CaptureFile {
  request: { body: string };
  response: Exchange;
  wrongPassword: Exchange;
  cases: Exchange[];
}
const capture = (name: string) => JSON.parse(fixture(`captures/${name}.json`)) as CaptureFile;

function expectValid(spec: SpecValidator, pointer: string, value: unknown) {
  const validate = spec.at(pointer);
  const ok = validate(value);
  expect(
    ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`),
  ).toEqual([]);
}

describe.each(["identity", "compute", "image"])("%s spec examples", (api) => {
  let spec: SpecValidator;
  beforeAll(async () => {
    spec = await loadValidator(api);
  });

  it("has examples, and every one validates against its schema", () => {
    const examples = collectExamples(spec.document);
    expect(examples.length).toBeGreaterThan(3);
    for (const ex of examples) {
      const validate = spec.at(ex.schemaPointer);
      expect(
        validate(ex.value) ? "valid" : `${ex.where}: ${JSON.stringify(validate.errors?.slice(0, 3))}`,
      ).toBe("valid");
    }
  });
});

describe("identity spec vs captured Cloudpods exchanges", () => {
  let spec: SpecValidator;
  beforeAll(async () => {
    spec = await loadValidator("identity");
  });

  const tokenResponses: [name: string, body: () => unknown][] = [
    ["docs trace, AK/SK, 24-service catalog", () => JSON.parse(fixture("cloudpods-token-response.json"))],
    ["capture A, password, project scope", () => JSON.parse(capture("a-password-project").response.body)],
    ["capture C, AK/SK by climc", () => JSON.parse(capture("c-aksk-climc").response.body)],
  ];
  it.each(tokenResponses)("POST /auth/tokens 200: %s", (_name, body) => {
    expectValid(spec, spec.response("authenticate", "200"), body());
  });

  const requests: [name: string, body: () => unknown][] = [
    ["capture A, password, project by name", () => JSON.parse(capture("a-password-project").request.body)],
    ["capture C, aksk", () => JSON.parse(capture("c-aksk-climc").request.body)],
    ["capture D, aksk vector", () => JSON.parse(capture("d-aksk-vector").request.body)],
  ];
  it.each(requests)("POST /auth/tokens request: %s", (_name, body) => {
    expectValid(spec, spec.requestBody("authenticate"), body());
  });

  it("credential create (capture B): climc's request and the server's answer; the blob is a JSON string", () => {
    const b = capture("b-credential-create");
    expectValid(spec, spec.requestBody("createCredential"), JSON.parse(b.request.body));
    const answer = JSON.parse(b.response.body) as { credential: { blob: string } };
    expectValid(spec, spec.response("createCredential", "200"), answer);
    expect(JSON.parse(answer.credential.blob)).toEqual({ expire: 0, secret: expect.any(String) });
  });

  it("401 bodies (wrong password, bad signatures, unknown key) match the flat error schema", () => {
    const bodies = [
      capture("a-password-project").wrongPassword.body,
      ...capture("e-aksk-negative")
        .cases.filter((c) => c.status === 401)
        .map((c) => c.body),
    ];
    expect(bodies.length).toBeGreaterThan(2);
    for (const b of bodies) expectValid(spec, spec.response("authenticate", "4XX"), JSON.parse(b));
  });
});

describe("the validator itself", () => {
  it("rejects bodies that break the spec (so the checks above can fail)", async () => {
    const spec = await loadValidator("identity");
    const tokenBody = spec.at(spec.response("authenticate", "200"));
    expect(tokenBody({ id: "x" })).toBe(false);
    const good = JSON.parse(capture("a-password-project").response.body);
    expect(tokenBody({ ...good, token: { ...good.token, expires_at: 1_700_000_000 } })).toBe(false);
    expect(spec.at(spec.response("authenticate", "4XX"))({ class: 5, code: "x" })).toBe(false);
  });
});
