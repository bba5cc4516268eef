// A JSON encoder that writes the bytes Go's yunion.io/x/jsonutils writes for the same structs. Only the
// AK/SK payload hash needs this parity (cloudpods-auth.md §1.3); using it for every login body keeps the
// wire identical to climc's, which makes captures comparable byte for byte. (aksk.ts writes the same bytes
// for its few fixed shapes with JSON.stringify, so the lazily loaded signer does not share this module.)
//
// - keys sorted at every level (JS code-unit order; equals Go's byte order unless a key mixes astral
//   characters with U+E000–U+FFFF, which no Cloudpods field name does)
// - compact; strings escape only `"` `\` and control characters, exactly as JSON.stringify does
//   (`/`, `<`, `>`, `&`, non-ASCII and U+2028/9 stay raw)
// - struct omitempty: inside an object, "", null, undefined, [] and objects that encode to {} are dropped;
//   0 and false are kept. Array elements and the top-level value are always written.

export function jsonEncode(value: unknown): string {
  return enc(value, true) ?? "";
}

function enc(v: unknown, keep: boolean): string | undefined {
  if (v === null || v === undefined) return keep ? "null" : undefined;
  if (typeof v !== "object") return v === "" && !keep ? undefined : JSON.stringify(v);
  if (Array.isArray(v)) return v.length || keep ? `[${v.map((x) => enc(x, true)).join(",")}]` : undefined;
  const parts: string[] = [];
  for (const k of Object.keys(v).sort()) {
    const s = enc((v as Record<string, unknown>)[k], false);
    if (s !== undefined) parts.push(`${JSON.stringify(k)}:${s}`);
  }
  return parts.length || keep ? `{${parts.join(",")}}` : undefined;
}
