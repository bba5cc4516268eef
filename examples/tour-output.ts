// How the tour talks to a person: numbered steps, indented facts, small tables, and one progress line that
// rewrites itself on a terminal (plain lines when the output is a pipe or a file).

const tty = process.stdout.isTTY === true;
let step = 0;
let progressOpen = false;

function endProgress(): void {
  if (progressOpen) process.stdout.write("\n");
  progressOpen = false;
}

export function heading(text: string): void {
  endProgress();
  step += 1;
  console.log(`\n${step}. ${text}`);
}

export function fact(text: string): void {
  endProgress();
  console.log(`   ${text}`);
}

let lastKey: string | undefined;

/** On a terminal one line rewritten in place; elsewhere a line each time `key` changes. */
export function progress(text: string, key: string): void {
  if (!tty) {
    if (key !== lastKey) fact(text);
    lastKey = key;
    return;
  }
  process.stdout.write(`\r\x1b[2K   ${text}`);
  progressOpen = true;
}

/** Columns padded to their widest cell; the last column is left ragged. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  endProgress();
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `   ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ")}`;
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

export function done(text: string): void {
  endProgress();
  console.log(`\n${text}`);
}
