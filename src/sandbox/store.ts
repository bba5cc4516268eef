// In-memory resource collections with Cloudpods' list semantics: the envelope rules of the recordings,
// limit/offset paging, `details`, filters by field, lookup by id or name.

import { randomUUID } from "node:crypto";
import { duplicateName, notFound } from "./errors.js";
import type { Json } from "./spec.js";

export type Item = Json & { id: string; name?: string };

export interface CollectionOptions {
  /** The singular keyword (`server`), used in bodies and error texts. */
  keyword: string;
  /** The plural (`servers`), the list envelope key. */
  plural: string;
  /** Adds `totals` to every non-empty list (networks, secgroups, eips, images). */
  totals?: ((items: Item[]) => Json) | undefined;
  /** Ids as keystone makes them (32 hex) or as the region does (UUID with dashes). */
  idStyle?: "hex" | "uuid";
  /** Items a plain list hides (system users, pending-deleted servers) unless the query asks for them. */
  hidden?: ((item: Item, query: Json) => boolean) | undefined;
  /** Fields a list with `details=false` leaves out (the joined, computed ones). */
  detailFields?: readonly string[];
}

export interface ListOptions {
  filter?: ((i: Item) => boolean) | undefined;
  /** Adds the computed fields of a detailed answer before filtering. */
  view?: ((i: Item) => Item) | undefined;
}

const MAX_LIMIT = 2048;
const RESERVED = new Set([
  "limit",
  "offset",
  "details",
  "scope",
  "search",
  "filter",
  "filter_any",
  "order",
  "order_by",
  "field",
  "force_no_paging",
  "paging_marker",
  "paging_order",
  "show_fail_reason",
  "summary_stats",
  "system",
  "pending_delete",
  "pending_delete_all",
  "admin",
  "include_system",
  "effective",
  "delete",
]);
const DETAIL_FIELDS = ["can_delete", "can_update", "disable_delete", "project", "project_domain", "tenant"];

export const newId = (style: "hex" | "uuid" = "uuid"): string =>
  style === "hex" ? randomUUID().replace(/-/g, "") : randomUUID();

export const statusTotals = (items: Item[]): Json => {
  const by = new Map<string, number>();
  for (const i of items) by.set(String(i.status ?? ""), (by.get(String(i.status ?? "")) ?? 0) + 1);
  return {
    count: items.length,
    status_info: [...by].sort().map(([status, total_count]) => ({
      pending_deleted_count: 0,
      status,
      total_count,
    })),
  };
};

const asInt = (v: unknown, fallback: number): number => {
  const n = Number(Array.isArray(v) ? v[0] : v);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
};

export class Collection {
  readonly items = new Map<string, Item>();
  constructor(readonly o: CollectionOptions) {}

  get keyword(): string {
    return this.o.keyword;
  }

  newId(): string {
    return newId(this.o.idStyle);
  }

  /** By id, else by unique name: Cloudpods accepts either in paths. */
  find(idOrName: string): Item | undefined {
    const byId = this.items.get(idOrName);
    if (byId) return byId;
    return [...this.items.values()].find((i) => i.name === idOrName);
  }

  get(idOrName: string): Item {
    const item = this.find(idOrName);
    if (!item) throw notFound(this.o.keyword, idOrName);
    return item;
  }

  insert(item: Item, { uniqueName = true } = {}): Item {
    if (uniqueName && item.name !== undefined && this.find(item.name))
      throw duplicateName(this.o.keyword, item.name);
    this.items.set(item.id, item);
    return item;
  }

  remove(id: string): void {
    this.items.delete(id);
  }

  /** The page and the envelope exactly as the region writes it. */
  list(query: Json, { filter, view }: ListOptions = {}): Json {
    const all = [...this.items.values()]
      .map((i) => (view ? view(i) : i))
      .filter((i) => !this.o.hidden?.(i, query) && matches(i, query) && (!filter || filter(i)));
    const limit = Math.min(asInt(query.limit, MAX_LIMIT) || MAX_LIMIT, MAX_LIMIT);
    const offset = asInt(query.offset, 0);
    const details = String(query.details ?? "true") !== "false";
    const drop = this.o.detailFields ?? DETAIL_FIELDS;
    const page = all.slice(offset, offset + limit).map((i) => (details ? i : omit(i, drop)));
    const body: Json = { [this.o.plural]: page };
    if (all.length === 0) return body; // exactly {"servers": []}
    body.limit = limit;
    if (offset) body.offset = offset;
    body.total = all.length;
    if (this.o.totals) body.totals = this.o.totals(all);
    return body;
  }
}

export const omit = (item: Item, keys: readonly string[]): Item =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !keys.includes(k))) as Item;

/** Equality filters on any field the items have (`status=a&status=b` is either), plus `id` and `name`. */
function matches(item: Item, query: Json): boolean {
  for (const [key, raw] of Object.entries(query)) {
    if (RESERVED.has(key) || raw === undefined) continue;
    if (!(key in item)) continue;
    const wanted = (Array.isArray(raw) ? raw : [raw]).map(String);
    const have = item[key];
    if (typeof have === "object" && have !== null) continue;
    if (!wanted.includes(String(have))) {
      // `name` and `*_id` accept the name or id of the referred object in Cloudpods; names equal here.
      if (key.endsWith("_id")) {
        const named = item[key.slice(0, -3)];
        if (typeof named === "string" && wanted.includes(named)) continue;
      }
      return false;
    }
  }
  return true;
}
