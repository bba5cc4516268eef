import { describe, expect, it } from "vitest";
import { jsonEncode } from "../../src/auth/jsonutils.js";

describe("jsonEncode (Go yunion jsonutils parity)", () => {
  it("sorts keys at every level and writes compact output", () => {
    expect(jsonEncode({ b: 1, a: { z: "x", y: [{ d: 1, c: 2 }] }, C: true })).toBe(
      '{"C":true,"a":{"y":[{"c":2,"d":1}],"z":"x"},"b":1}',
    );
  });

  it("escapes only quote, backslash and control characters (lowercase \\u00xx)", () => {
    // the reference's [V] example: "p@ss\"w/é" stays "p@ss\"w/é"
    expect(jsonEncode('p@ss"w/é')).toBe('"p@ss\\"w/é"');
    expect(jsonEncode("\b\f\n\r\t\u0001\u001f")).toBe('"\\b\\f\\n\\r\\t\\u0001\\u001f"');
    expect(jsonEncode("</script>&<> \u2028\u2029 中文 \u007f")).toBe(
      '"</script>&<> \u2028\u2029 中文 \u007f"',
    );
    expect(jsonEncode({ 'k"\n': "v" })).toBe('{"k\\"\\n":"v"}');
  });

  it("drops empty strings, null, undefined, empty arrays and empty objects inside objects", () => {
    expect(jsonEncode({ a: "", b: null, c: undefined, d: [], e: {}, f: { g: { h: "" } }, i: "x" })).toBe(
      '{"i":"x"}',
    );
    expect(jsonEncode({ auth: { context: { source: "" }, x: 1 } })).toBe('{"auth":{"x":1}}');
  });

  it("keeps 0 and false (Go's omitempty keeps zero ints and false here)", () => {
    expect(jsonEncode({ expire: 0, is_domain: false })).toBe('{"expire":0,"is_domain":false}');
  });

  it("writes array elements and the top-level value even when empty", () => {
    expect(jsonEncode(["", null, {}, []])).toBe('["",null,{},[]]');
    expect(jsonEncode({})).toBe("{}");
    expect(jsonEncode([])).toBe("[]");
    expect(jsonEncode("")).toBe('""');
    expect(jsonEncode({ a: {} })).toBe("{}");
  });

  it("encodes the seed access_key_secret as in §1.8", () => {
    expect(
      jsonEncode({
        location: "cn-beijing",
        algorithm: "AWS4-HMAC-SHA256",
        access_key: "5d6c9b2a4f1e4c3b8a7d6e5f4c3b2a19",
      }),
    ).toBe(
      '{"access_key":"5d6c9b2a4f1e4c3b8a7d6e5f4c3b2a19","algorithm":"AWS4-HMAC-SHA256","location":"cn-beijing"}',
    );
  });
});
