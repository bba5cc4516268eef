// The image service (glance v1) with state. Bound by method and path template rather than operationId, so
// they attach to whatever ids specs/image.yaml gives its operations. Create and update take
// `X-Image-Meta-*` headers; any body is an upload; HEAD answers every field as an `x-image-meta-*` header;
// GET of one image downloads its bytes (only when active).

import {
  SandboxHttpError,
  duplicateName,
  forbidden,
  inputError,
  invalidStatus,
  notFound,
} from "../errors.js";
import { PRE_AUTH, emptyJson, json, type Ctx, type OpHandler } from "../router.js";
import type { ApiTable, Json } from "../spec.js";
import type { Item } from "../store.js";
import { isoSeconds } from "../time.js";
import type { Owner } from "../compute/state.js";
import type { Scheduler } from "../clock.js";
import type { ImageState } from "./state.js";

const META = "x-image-meta-";
const PROPERTY = "x-image-meta-property-";
const BOOL = new Set(["protected", "is_public", "is_standard", "is_guest_image", "is_data"]);
const INT = new Set(["min_disk", "min_ram", "size"]);
const FORMATS = ["raw", "qcow2", "vmdk", "vhd", "iso", "docker", "tgz"];

/**
 * The value as glance reads it: URL-decoded again and again until it stops changing (FetchImageMeta's
 * decodeMeta, pkg/mcclient/modules/image/images.go, with Go's QueryUnescape: `+` is a space).
 */
function decodeMeta(value: string): string {
  for (let v = value, i = 0; i < 8; i++) {
    let next: string;
    try {
      next = decodeURIComponent(v.replace(/\+/g, " "));
    } catch {
      return v;
    }
    if (next === v) return v;
    v = next;
  }
  return value;
}

/** Go writes header values as raw UTF-8 bytes; Node only sends Latin-1, so the bytes go as Latin-1 chars. */
const rawUtf8 = (value: string): string => Buffer.from(value, "utf8").toString("latin1");

/** `X-Image-Meta-*` headers as typed fields, `X-Image-Meta-Property-*` as `properties`. */
export function metaFromHeaders(headers: Record<string, string>): Json {
  const fields: Json = {};
  const properties: Json = {};
  for (const [k, raw] of Object.entries(headers)) {
    const v = decodeMeta(raw);
    if (k.startsWith(PROPERTY)) properties[k.slice(PROPERTY.length)] = v;
    else if (k.startsWith(META)) {
      const f = k.slice(META.length);
      fields[f] = BOOL.has(f) ? /^(true|1|yes)$/i.test(v) : INT.has(f) ? Number(v) : v;
    }
  }
  if (Object.keys(properties).length) fields.properties = properties;
  return fields;
}

export function metaHeaders(image: Item): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(image)) {
    if (v === undefined || k === "properties") continue;
    out[META + k] = rawUtf8(typeof v === "object" ? JSON.stringify(v) : String(v));
  }
  for (const [k, v] of Object.entries((image.properties as Json | undefined) ?? {}))
    out[PROPERTY + k] = rawUtf8(String(v));
  return out;
}

export function imageHandlers(
  table: ApiTable,
  state: ImageState,
  clock: Scheduler,
  owner: (ctx: Ctx) => Owner,
): Map<string, OpHandler> {
  const images = state.images;
  const idOf = (ctx: Ctx): string => Object.values(ctx.params)[0]!;
  const single = (i: Item): Item => i; // single objects keep owner and properties
  const hasUpload = (ctx: Ctx): boolean => ctx.req.body.length > 0;

  const create: OpHandler = (ctx) => {
    // A JSON body is read for its fields AND taken as the upload: a 0-byte raw image (recordings).
    const fromJson = ctx.body?.image as Json | undefined;
    const meta: Json = {
      ...fromJson,
      ...metaFromHeaders(ctx.req.headers),
      ...(fromJson ? { disk_format: "raw" } : {}),
    };
    const name = String(meta.name ?? meta.generate_name ?? "");
    if (!name) throw inputError("name: missing input field");
    if (images.find(name)) throw duplicateName("image", name);
    const format = String(meta.disk_format ?? "raw");
    if (!FORMATS.includes(format)) throw inputError(`disk_format: invalid ${format}`);
    const image = images.insert(state.make(name, owner(ctx), { ...meta, disk_format: format, name }));
    if (hasUpload(ctx)) state.upload(image, fromJson ? Buffer.alloc(0) : ctx.req.body);
    return json({ image: single(image) });
  };

  const update: OpHandler = (ctx) => {
    const image = images.get(idOf(ctx));
    if (hasUpload(ctx)) {
      if (image.status !== "queued") throw invalidStatus(`cannot upload in status ${String(image.status)}`);
      state.upload(image, ctx.req.body);
    }
    const meta = metaFromHeaders(ctx.req.headers);
    if (meta.properties)
      meta.properties = { ...(image.properties as Json | undefined), ...(meta.properties as Json) };
    Object.assign(image, meta, { id: image.id });
    if (meta.protected !== undefined)
      Object.assign(image, { can_delete: !meta.protected, disable_delete: meta.protected });
    image.update_version = Number(image.update_version) + 1;
    image.updated_at = isoSeconds(clock.now());
    return json({ image: single(image) });
  };

  const remove: OpHandler = (ctx) => {
    const image = images.get(idOf(ctx));
    if (image.protected === true) throw forbidden("image is protected");
    // Never uploaded (queued, killed): gone at once; active: deactivated, then in the recycle bin.
    if (image.pending_deleted === true || image.status !== "active") {
      images.remove(image.id);
      state.bytes.delete(image.id);
      return json({ image: { ...image, status: "deleted" } });
    }
    // First `deactivated`, then in the recycle bin: still answered by HEAD, listed with pending_delete.
    image.status = "deactivated";
    const answer = { ...image };
    clock.later(() =>
      Object.assign(image, { pending_deleted: true, pending_deleted_at: isoSeconds(clock.now()) }),
    );
    return json({ image: answer });
  };

  const head: OpHandler = (ctx) => {
    const image = images.find(idOf(ctx));
    // HEAD has no body: an unknown image is a bare 404.
    if (!image) return emptyJson(404);
    return { status: 200, headers: metaHeaders(image), raw: Buffer.alloc(0) };
  };

  const download: OpHandler = (ctx) => {
    if (ctx.req.method === "HEAD") return head(ctx);
    const image = images.get(idOf(ctx));
    if (image.status !== "active") throw invalidStatus(`cannot download in status ${String(image.status)}`);
    const format = ctx.query.format;
    if (format !== undefined && format !== image.disk_format)
      throw new SandboxHttpError(404, "NotFoundError", `format ${String(format)} not found`);
    return {
      status: 200,
      headers: { ...metaHeaders(image), "content-type": "application/octet-stream" },
      raw: state.bytes.get(image.id) ?? Buffer.alloc(0),
    };
  };

  const subformats: OpHandler = (ctx) => {
    const image = images.get(idOf(ctx));
    return json({
      image: [
        {
          checksum: image.checksum,
          format: image.disk_format,
          size: image.size,
          status: image.status,
          torrent_seeding: false,
          torrent_size: 0,
          torrent_status: "queued",
        },
      ],
    });
  };

  const routes: [string, RegExp, OpHandler][] = [
    ["GET", /^\/images$/, (ctx) => json(images.list(ctx.query))],
    ["POST", /^\/images$/, create],
    ["HEAD", /^\/images\/\{[^}]+\}$/, head],
    ["GET", /^\/images\/\{[^}]+\}$/, download],
    ["PUT", /^\/images\/\{[^}]+\}$/, update],
    ["PATCH", /^\/images\/\{[^}]+\}$/, update],
    ["DELETE", /^\/images\/\{[^}]+\}$/, remove],
    ["GET", /^\/images\/\{[^}]+\}\/subformats$/, subformats],
  ];
  const out = new Map<string, OpHandler>();
  // The image service looks an image up before it checks the token: an unknown id is 404 even for a bad one.
  out.set(PRE_AUTH, (ctx) => {
    const id = Object.values(ctx.params)[0];
    if (id === undefined || images.find(id)) return { status: 0 };
    if (ctx.req.method === "HEAD") return emptyJson(404);
    throw notFound("image", id);
  });
  for (const op of table.operations) {
    const r = routes.find(([m, re]) => m === op.method && re.test(op.template));
    if (r) out.set(op.operationId, r[2]);
  }
  return out;
}
