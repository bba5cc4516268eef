// Generic list/get/create/update/delete for every spec operation on `/<plural>` and `/<plural>/{id}` whose
// plural has a collection: resources only say how they build, change and remove their objects.

import { missingParameter } from "./errors.js";
import { json, type Ctx, type OpHandler } from "./router.js";
import type { Collection, Item } from "./store.js";
import type { ApiTable, Json } from "./spec.js";
import { isoSeconds } from "./time.js";

export interface Resource {
  collection: Collection;
  /** Builds a new object from the create input (`body[keyword]`); throws for bad input. */
  create(input: Json, ctx: Ctx): Item;
  /** Validates and applies an update; default: merge the given fields. */
  update?(item: Item, input: Json, ctx: Ctx): void;
  /** Removes the object and returns what DELETE answers; default: remove it, answer it `deleted`. */
  remove?(item: Item, ctx: Ctx): Item;
  /** Adds computed fields to an answer. */
  view?(item: Item): Item;
  /** Restricts a list (e.g. to the caller's own keypairs). */
  filter?(item: Item, ctx: Ctx): boolean;
}

const IMMUTABLE = new Set(["id", "created_at", "deleted", "update_version"]);

export function crudHandlers(
  table: ApiTable,
  resources: ReadonlyMap<string, Resource>,
  now: () => number,
): Map<string, OpHandler> {
  const out = new Map<string, OpHandler>();
  for (const op of table.operations) {
    const m = /^\/([a-z_]+)(?:\/\{[^}]+\})?$/.exec(op.template);
    const r = m && resources.get(m[1]!);
    if (!r) continue;
    const single = op.template.includes("{");
    const keyword = r.collection.keyword;
    const view = (i: Item): Item => (r.view ? r.view(i) : i);
    const idOf = (ctx: Ctx): string => Object.values(ctx.params)[0]!;
    let h: OpHandler | undefined;
    if (!single && op.method === "GET")
      h = (ctx) =>
        json(r.collection.list(ctx.query, { view, filter: r.filter && ((i) => r.filter!(i, ctx)) }));
    else if (!single && op.method === "POST")
      h = (ctx) => {
        const input = ctx.body?.[keyword];
        if (typeof input !== "object" || input === null) throw missingParameter(keyword);
        return json({ [keyword]: view(r.collection.insert(r.create(input as Json, ctx))) });
      };
    else if (single && op.method === "GET")
      h = (ctx) => json({ [keyword]: view(r.collection.get(idOf(ctx))) });
    else if (single && (op.method === "PUT" || op.method === "PATCH"))
      h = (ctx) => {
        const item = r.collection.get(idOf(ctx));
        const input = (ctx.body?.[keyword] ?? {}) as Json;
        if (r.update) r.update(item, input, ctx);
        else for (const [k, v] of Object.entries(input)) if (!IMMUTABLE.has(k)) item[k] = v;
        touch(item, now);
        return json({ [keyword]: view(item) });
      };
    else if (single && op.method === "DELETE")
      h = (ctx) => {
        const item = r.collection.get(idOf(ctx));
        if (r.remove) return json({ [keyword]: r.remove(item, ctx) });
        r.collection.remove(item.id);
        return json({ [keyword]: { ...view(item), deleted: true, deleted_at: isoSeconds(now()) } });
      };
    if (h) out.set(op.operationId, h);
  }
  return out;
}

export function touch(item: Item, now: () => number): void {
  item.update_version = Number(item.update_version ?? 0) + 1;
  item.updated_at = isoSeconds(now());
}
