// Every real exchange in test/fixtures/cloudpods-real/ (keystone 3.10 and 3.11, region, image service and
// API gateway 3.10) against its operation, strictly: an undeclared property, query parameter, meta header,
// media type or status fails the test. The specs stay open for clients; only this test closes them.
import { beforeAll, describe, expect, it } from "vitest";
import { checkRecording, findOperation, loadRecordings, route, strictify } from "./recordings.js";
import { loadValidator, type SpecValidator } from "./validator.js";

const recordings = loadRecordings();
const specs: Record<string, SpecValidator> = {};

beforeAll(async () => {
  for (const api of ["identity", "compute", "image"]) specs[api] = await loadValidator(api, strictify);
});

/**
 * Recordings that misuse the wire on purpose, to show what the server does with it. The spec must NOT offer
 * that form, so exactly the listed problems are expected (each also pins that the spec refuses it).
 */
const JSON_TO_IMAGE = ["request media type application/json is not declared"];
const EXPECTED: [file: RegExp, problems: string[], why: string][] = [
  [
    /^3\.10\/image\d?-\d+-image\d?-(create-json|create-no-name|create-no-key|create-bad-format|update-json|update-unprotect-PUT|put-unknown)/,
    JSON_TO_IMAGE,
    "a JSON body to the image service is stored as the image bytes",
  ],
  [
    /^3\.10\/compute2-013-paginate-error/,
    ['query limit must be integer {"type":"integer"}'],
    "limit=x, for a 500",
  ],
  [
    /^3\.10\/extra-010-x-effective-false/,
    ['query effective must be equal to one of the allowed values {"allowedValues":[true]}'],
    "effective=false still means true (presence is what counts)",
  ],
  [
    /^3\.10\/extra-011-x-effective-false/,
    ['query include_names must be equal to one of the allowed values {"allowedValues":[true]}'],
    "include_names=false still means true",
  ],
  [
    /^3\.1[01]\/identity-\d+-list-role_assignments-details-limit2-GET/,
    ["query parameter details is not declared"],
    "RoleAssignmentsInput has no details: ignored",
  ],
  [
    /^3\.1[01]\/quick2-003-ra-system/,
    ["query parameter system is not declared"],
    "RoleAssignmentsInput has no system: ignored (include_system is the flag)",
  ],
];
const expected = (file: string) => EXPECTED.find(([re]) => re.test(file));

describe("recordings", () => {
  it("are all routed to an operation of a spec", () => {
    expect(recordings.length).toBeGreaterThan(450);
    const unrouted = recordings.filter((r) => {
      const to = route(r.request.path);
      return !to || !findOperation(specs[to.api]!.document, to.path, r.request.method);
    });
    expect(unrouted.map((r) => r.file)).toEqual([]);
  });

  it.each(recordings.filter((r) => !expected(r.file)).map((r) => [r.file, r] as const))(
    "%s conforms",
    (_file, rec) => {
      const to = route(rec.request.path)!;
      expect(checkRecording(specs[to.api]!, rec, to.path)).toEqual([]);
    },
  );

  it.each(recordings.filter((r) => expected(r.file)).map((r) => [r.file, r] as const))(
    "%s: exactly its deliberate misuse is refused",
    (file, rec) => {
      const to = route(rec.request.path)!;
      expect(checkRecording(specs[to.api]!, rec, to.path)).toEqual(expected(file)![1]);
    },
  );

  it("every expected misuse still has its recording", () => {
    for (const [re, , why] of EXPECTED)
      expect(
        recordings.some((r) => re.test(r.file)),
        why,
      ).toBe(true);
  });
});

describe("x-cloudpods-since", () => {
  it("operations marked 3.11 answer 404 ActionNotFoundError on 3.10 and succeed on 3.11; nothing else is missing on 3.10", () => {
    const since = (r: (typeof recordings)[number]) => {
      const to = route(r.request.path)!;
      return findOperation(specs[to.api]!.document, to.path, r.request.method)!.op["x-cloudpods-since"];
    };
    const marked = recordings.filter((r) => since(r) === "3.11");
    expect(marked.length).toBeGreaterThanOrEqual(4);
    for (const r of marked) {
      const cls = (r.response.body as { class?: string } | undefined)?.class;
      if (r.file.startsWith("3.10/"))
        expect([r.file, r.response.status, cls]).toEqual([r.file, 404, "ActionNotFoundError"]);
      else expect([r.file, r.response.status]).toEqual([r.file, 200]);
    }
    const missingOn310 = recordings.filter(
      (r) =>
        r.file.startsWith("3.10/") &&
        (r.response.body as { class?: string } | undefined)?.class === "ActionNotFoundError",
    );
    expect(missingOn310.filter((r) => since(r) !== "3.11").map((r) => r.file)).toEqual([]);
  });
});

describe("the strict check itself", () => {
  it("fails on an undeclared property, query parameter, status and media type", () => {
    const rec = recordings.find((r) => r.file.includes("image-009-image-list-details-limit2"))!;
    const spec = specs.image!;
    const withExtra = structuredClone(rec);
    (withExtra.response.body as { images: Record<string, unknown>[] }).images[0]!.surprise = 1;
    expect(checkRecording(spec, withExtra, "/images").join()).toMatch(/surprise/);
    expect(
      checkRecording(spec, { ...rec, request: { ...rec.request, query: "?nope=1" } }, "/images"),
    ).toEqual(["query parameter nope is not declared"]);
    expect(
      checkRecording(spec, { ...rec, request: { ...rec.request, query: "?limit=x" } }, "/images").join(),
    ).toMatch(/query limit/);
    expect(checkRecording(spec, { ...rec, response: { ...rec.response, status: 302 } }, "/images")).toEqual([
      "status 302 is not declared",
    ]);
    const head = recordings.find((r) => r.request.method === "HEAD" && r.response.status === 200)!;
    const odd = structuredClone(head);
    odd.response.headers["x-image-meta-surprise"] = "1";
    expect(checkRecording(spec, odd, route(head.request.path)!.path).join()).toMatch(/surprise/);
  });
});
