// Step 5: one canonical text. openapi-typescript's printer and ts-morph's writer are both deterministic;
// this joins their parts and pins what they leave to the platform (line endings, trailing space, final newline).
// Each rewrite runs only when a cheap scan finds something to rewrite: on an 800-path spec the
// unconditional multi-line regex alone cost a fifth of a second.
export function formatOutput(parts: string[]): string {
  const text = parts
    .map((p) => {
      if (p.includes("\r")) p = p.replace(/\r\n?/g, "\n");
      if (/[ \t]\n/.test(p) || /[ \t]$/.test(p)) p = p.replace(/[ \t]+$/gm, "");
      return p.replace(/\n+$/, "");
    })
    .filter((p) => p !== "")
    .join("\n\n");
  return `${text}\n`;
}
