// The image service's two non-JSON halves, typed: its fields come back as `x-image-meta-*` headers on HEAD,
// and create/update take `X-Image-Meta-*` headers (a JSON body would be stored as the image bytes, see
// specs/image.yaml). These helpers do the header work over `cp.image`, so callers never write header names.

import type { ErrorBody, ImageDetails } from "../generated/image.js";
import type { Cloudpods } from "./client.js";
import { invalidConfig } from "./errors.js";

export type { ImageDetails } from "../generated/image.js";

/** What `cp.image` must offer: only the client is used, so tests can pass `{ image }`. */
export type ImageClient = Pick<Cloudpods, "image">;

/** Bytes of an image: anything fetch accepts as a body. */
export type ImageBody = Blob | ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array> | string;

interface ImageFields {
  description?: string | undefined;
  /** raw (default), qcow2, iso, vmdk, vhd, tgz, ... */
  disk_format?: string | undefined;
  /** MB */
  min_disk?: number | undefined;
  /** MB */
  min_ram?: number | undefined;
  /** Delete protection; the server's default on create is true. */
  protected?: boolean | undefined;
  is_public?: boolean | undefined;
  /** Bytes to come in a later upload. */
  size?: number | undefined;
  /** Sent as `X-Image-Meta-Property-<key>`; the server lower-cases the key. */
  properties?: Readonly<Record<string, string>> | undefined;
}

/** Create input: a name is the only required field (`name` or `generate_name`). */
export type ImageCreateInput = ImageFields & {
  is_standard?: boolean | undefined;
  is_data?: boolean | undefined;
  project_id?: string | undefined;
} & ({ name: string; generate_name?: string | undefined } | { name?: undefined; generate_name: string });

export type ImageUpdateInput = ImageFields & { name?: string | undefined };

export type ImageResult =
  | { data: ImageDetails; error?: undefined; response: Response }
  | { data?: undefined; error: ErrorBody; response: Response };

export interface ImageCallInit {
  signal?: AbortSignal | undefined;
}

/**
 * Field types of ImageDetails that are not strings (a test keeps these sets equal to the spec's schema).
 * Header values are strings on the wire; these are converted back.
 */
export const IMAGE_NUMBER_FIELDS: ReadonlySet<string> = new Set([
  "size",
  "min_disk",
  "min_ram",
  "progress",
  "update_version",
]);
export const IMAGE_BOOLEAN_FIELDS: ReadonlySet<string> = new Set([
  "can_delete",
  "can_update",
  "deleted",
  "disable_delete",
  "freezed",
  "is_data",
  "is_emulated",
  "is_guest_image",
  "is_public",
  "is_standard",
  "is_system",
  "pending_deleted",
  "protected",
]);

const META = "x-image-meta-";
const PROPERTY = "x-image-meta-property-";
const HEADER_KEY = /^[A-Za-z0-9_.-]+$/;

/**
 * Go writes header values as raw UTF-8 and fetch reads them as Latin-1: re-decode so names such as
 * "镜像" survive. A value that is not valid UTF-8 stays as received.
 */
function utf8(value: string): string {
  if (!/[\u0080-\u00ff]/.test(value) || /[^\u0000-\u00ff]/.test(value)) return value;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(value, (c) => c.charCodeAt(0)));
  } catch {
    return value;
  }
}

/** The `x-image-meta-*` headers of a HEAD (or download) answer as ImageDetails. */
export function parseImageMeta(headers: Headers): ImageDetails {
  const out: Record<string, unknown> = {};
  const properties: Record<string, string> = {};
  headers.forEach((raw, name) => {
    const value = utf8(raw);
    if (name.startsWith(PROPERTY)) properties[name.slice(PROPERTY.length)] = value;
    else if (name.startsWith(META)) {
      const key = name.slice(META.length);
      // The server sends empty values for some fields (oss_checksum before a checksum exists); skip them,
      // as the JSON answers omit empty strings.
      if (value === "") return;
      const n = Number(value);
      out[key] =
        IMAGE_NUMBER_FIELDS.has(key) && value.trim() !== "" && Number.isFinite(n)
          ? n
          : IMAGE_BOOLEAN_FIELDS.has(key) && (value === "true" || value === "false")
            ? value === "true"
            : value;
    }
  });
  if (Object.keys(properties).length > 0) out.properties = properties;
  return out as ImageDetails;
}

/** The `X-Image-Meta-*` request headers for a create or update. */
export function imageMetaHeaders(input: ImageCreateInput | ImageUpdateInput): Record<string, string> {
  const headers: Record<string, string> = {};
  // The server URL-decodes every value, again and again until it stops changing (FetchImageMeta's
  // decodeMeta, pkg/mcclient/modules/image/images.go). So values are sent encoded, which also lets
  // non-ASCII text through headers; but a `+` (read as a space) or a `%XX` can never survive those rounds,
  // and such a value is refused rather than stored altered.
  const put = (name: string, value: unknown) => {
    if (value === undefined) return;
    const text = String(value);
    if (/\+|%[0-9A-Fa-f]{2}/.test(text))
      throw invalidConfig(
        `${name}: "+" and "%XX" cannot be sent (the image service URL-decodes header values)`,
      );
    headers[name] = encodeURIComponent(text);
  };
  for (const [key, value] of Object.entries(input)) {
    if (key === "properties") continue;
    if (!HEADER_KEY.test(key)) throw invalidConfig(`image field "${key}" cannot be sent as a header`);
    put(`${META}${key}`, value);
  }
  for (const [key, value] of Object.entries(input.properties ?? {})) {
    if (!HEADER_KEY.test(key)) throw invalidConfig(`image property "${key}" cannot be sent as a header`);
    if (typeof value !== "string") throw invalidConfig(`image property "${key}" must be a string`);
    put(`${PROPERTY}${key}`, value);
  }
  return headers;
}

/** Bytes go out untouched (openapi-fetch would JSON-encode them). */
const rawBody = { bodySerializer: (body: unknown) => body as BodyInit };

function bodyInit(headers: Record<string, string>, bytes: ImageBody | undefined) {
  if (bytes === undefined) return { headers };
  return {
    ...rawBody,
    headers: { ...headers, "Content-Type": "application/octet-stream" },
    body: bytes as unknown as string,
  };
}

/**
 * Creates an image from typed fields, with its bytes when given (else it stays `queued` until
 * `uploadImage`). Refuses, before any request, an input without `name` or `generate_name`.
 */
export async function createImage(
  cp: ImageClient,
  input: ImageCreateInput,
  bytes?: ImageBody,
  init: ImageCallInit = {},
): Promise<ImageResult> {
  const named = (v: unknown) => typeof v === "string" && v !== "";
  if (!named(input.name) && !named(input.generate_name))
    throw invalidConfig("createImage needs a name or a generate_name");
  const r = await cp.image.POST("/images", {
    ...bodyInit(imageMetaHeaders(input), bytes),
    signal: init.signal ?? null,
  });
  return r.data ? { data: r.data.image, response: r.response } : { error: r.error!, response: r.response };
}

/** Changes fields (and properties) of an image with `X-Image-Meta-*` headers. */
export async function updateImage(
  cp: ImageClient,
  id: string,
  input: ImageUpdateInput,
  init: ImageCallInit = {},
): Promise<ImageResult> {
  const r = await cp.image.PUT("/images/{id}", {
    params: { path: { id } },
    ...bodyInit(imageMetaHeaders(input), undefined),
    signal: init.signal ?? null,
  });
  return r.data ? { data: r.data.image, response: r.response } : { error: r.error!, response: r.response };
}

/** Uploads the bytes of a `queued` image (an active one answers 400 InvalidStatusError). */
export async function uploadImage(
  cp: ImageClient,
  id: string,
  bytes: ImageBody,
  init: ImageCallInit = {},
): Promise<ImageResult> {
  const r = await cp.image.PUT("/images/{id}", {
    params: { path: { id } },
    ...bodyInit({}, bytes),
    signal: init.signal ?? null,
  });
  return r.data ? { data: r.data.image, response: r.response } : { error: r.error!, response: r.response };
}

/**
 * One image's fields, read with HEAD (the image service's GET downloads the bytes). A HEAD answer has no
 * body, so a failure's `error` is built from the status alone.
 */
export async function getImage(cp: ImageClient, id: string, init: ImageCallInit = {}): Promise<ImageResult> {
  const { response } = await cp.image.HEAD("/images/{id}", {
    params: { path: { id } },
    signal: init.signal ?? null,
  });
  if (response.ok) return { data: parseImageMeta(response.headers), response };
  const cls = { 403: "ForbiddenError", 404: "ResourceNotFoundError" }[response.status];
  return {
    error: {
      code: response.status,
      class: cls ?? `Http${response.status}`,
      details: `image ${id}: HEAD answered ${response.status}`,
    },
    response,
  };
}
