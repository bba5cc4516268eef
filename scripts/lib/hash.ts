import { createHash } from "node:crypto";

export const sha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** One hash over several files: each contributes its repository-relative path and its bytes. */
export function sha256Files(files: { path: string; content: string }[]): string {
  const h = createHash("sha256");
  for (const f of files) h.update(`${f.path}\0${Buffer.byteLength(f.content)}\0`).update(f.content);
  return h.digest("hex");
}
