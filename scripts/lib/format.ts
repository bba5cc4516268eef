// Step 5: one canonical text. openapi-typescript's printer and ts-morph's writer are both deterministic;
// this joins their parts and pins what they leave to the platform (line endings, trailing space, final newline).
export function formatOutput(parts: string[]): string {
  const text = parts
    .map((p) =>
      p
        .replace(/\r\n?/g, "\n")
        .replace(/[ \t]+$/gm, "")
        .replace(/\n+$/, ""),
    )
    .filter((p) => p !== "")
    .join("\n\n");
  return `${text}\n`;
}
