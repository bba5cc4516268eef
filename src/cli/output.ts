// Output formats: table (climc's default, fitted to the terminal), json (pipes into jq), yaml, kv. Lists are
// printed as their items; single objects unwrapped from their resource keyword (`{"server": {...}}`).

export const OUTPUT_FORMATS = ["table", "json", "yaml", "kv"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** CLIMC_OUTPUT_FORMAT, with climc's flatten-* names read as their plain forms. */
export function outputFormatFrom(value: string | undefined): OutputFormat | undefined {
  const v = value
    ?.trim()
    .toLowerCase()
    .replace(/^flatten-/, "");
  return (OUTPUT_FORMATS as readonly string[]).includes(v ?? "") ? (v as OutputFormat) : undefined;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** `{"server": {...}}` → the server; anything else as it is. */
export function unwrap(data: unknown): unknown {
  if (!isObj(data)) return data;
  const keys = Object.keys(data);
  const only = keys.length === 1 ? data[keys[0]!] : undefined;
  return isObj(only) ? only : data;
}

const cell = (v: unknown): string =>
  v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);

// The columns climc's GetColumns() tends to show first, so a narrow terminal keeps the telling ones.
const FIRST = [
  ...["id", "name", "status", "hypervisor", "vcpu_count", "vmem_size", "disk", "ips", "eip", "host", "zone"],
  ...["type", "disk_format", "size", "enabled", "domain", "project", "tenant", "created_at"],
];
const MAX_CELL = 48;

function clip(s: string, width: number): string {
  const line = s.replace(/\s*\n\s*/g, " ");
  return line.length <= width ? line : `${line.slice(0, Math.max(1, width - 1))}…`;
}

/** Scalar columns of the items, the FIRST ones first, then in the order they first appear. */
export function listColumns(items: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const it of items.slice(0, 200)) {
    if (!isObj(it)) continue;
    for (const [k, v] of Object.entries(it)) if (v === null || typeof v !== "object") seen.add(k);
  }
  return [...FIRST.filter((k) => seen.has(k)), ...[...seen].filter((k) => !FIRST.includes(k))];
}

/** As many columns as fit in `width` (each cell clipped to MAX_CELL), keeping at least the first. */
export function fitColumns(items: readonly unknown[], columns: readonly string[], width: number): string[] {
  const out: string[] = [];
  let used = 1; // the left border
  for (const c of columns) {
    let w = c.length;
    for (const it of items)
      w = Math.max(w, Math.min(MAX_CELL, cell((it as Record<string, unknown>)[c]).length));
    if (out.length > 0 && used + w + 3 > width) continue;
    out.push(c);
    used += w + 3;
  }
  return out;
}

export interface RenderOptions {
  format: OutputFormat;
  /** Terminal width for tables. */
  width: number;
  /** For lists: the `total` the server reported, shown under the table. */
  total?: number | undefined;
}

async function table(head: string[], rows: string[][]): Promise<string> {
  const { default: Table } = await import("cli-table3");
  const colWidths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)) + 2);
  const t = new Table({
    head,
    style: { head: [], border: [] },
    colWidths,
    wordWrap: false,
    // No rule between rows: denser, as climc prints.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const r of rows) t.push(r);
  return t.toString();
}

export async function renderList(items: readonly unknown[], o: RenderOptions): Promise<string> {
  if (o.format === "json") return `${JSON.stringify(items, null, 2)}\n`;
  if (o.format === "yaml") return (await import("yaml")).stringify(items);
  if (o.format === "kv") return items.map((it) => kv(it)).join("\n");
  const columns = fitColumns(items, listColumns(items), o.width);
  const footer = `***  Total: ${o.total ?? items.length}  ***\n`;
  if (columns.length === 0) return footer;
  const rows = items.map((it) =>
    columns.map((c) => clip(cell((it as Record<string, unknown>)[c]), MAX_CELL)),
  );
  return `${await table(columns, rows)}\n${footer}`;
}

function kv(value: unknown): string {
  if (!isObj(value)) return `${cell(value)}\n`;
  return Object.entries(value)
    .map(([k, v]) => `${k}: ${cell(v)}\n`)
    .join("");
}

export async function renderObject(value: unknown, o: RenderOptions): Promise<string> {
  if (o.format === "json") return `${JSON.stringify(value ?? null, null, 2)}\n`;
  if (o.format === "yaml") return (await import("yaml")).stringify(value ?? null);
  if (o.format === "kv" || !isObj(value)) return kv(value);
  const keyWidth = Math.max(5, ...Object.keys(value).map((k) => k.length));
  // Field | Value, the value clipped so the table fits the terminal.
  const valueWidth = Math.max(16, o.width - keyWidth - 7);
  const rows = Object.entries(value).map(([k, v]) => [k, clip(cell(v), valueWidth)]);
  return `${await table(["Field", "Value"], rows)}\n`;
}
