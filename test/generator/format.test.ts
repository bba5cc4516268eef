import { describe, expect, it } from "vitest";
import { formatOutput } from "../../scripts/lib/format.js";

describe("formatOutput", () => {
  const cases: [name: string, { given: string[]; want: string }][] = [
    [
      "joins parts with one blank line and ends in one newline",
      { given: ["a\n", "b\n\n\n"], want: "a\n\nb\n" },
    ],
    ["normalizes CRLF and CR", { given: ["a\r\nb\rc"], want: "a\nb\nc\n" }],
    ["drops trailing blanks, also on the last line", { given: ["a \t\nb  "], want: "a\nb\n" }],
    ["leaves clean text alone and drops empty parts", { given: ["x = 1;", "", "y"], want: "x = 1;\n\ny\n" }],
  ];
  it.each(cases)("%s", (_name, { given, want }) => expect(formatOutput(given)).toBe(want));
});
