// The image helpers over a fake fetch: the headers they send, the bytes they upload untouched, and the
// typed fields they read back from a HEAD answer recorded from a real 3.10 image service.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AccessInfo, AuthPlugin } from "../../src/auth/types.js";
import { createCloudpods } from "../../src/client.js";
import { CloudpodsError } from "../../src/errors.js";
import {
  IMAGE_BOOLEAN_FIELDS,
  IMAGE_NUMBER_FIELDS,
  createImage,
  getImage,
  imageMetaHeaders,
  parseImageMeta,
  updateImage,
  uploadImage,
} from "../../src/image.js";
import { service } from "../fixtures/token.js";
import { loadValidator, repoRoot } from "../specs/validator.js";

const IMAGE_URL = "https://10.211.55.9:30292/v1";

function fakeAuth(): AuthPlugin {
  const access = {
    token: "tok",
    expiresAt: new Date(Date.UTC(2030, 0, 1)),
    catalog: [service("image", { public: IMAGE_URL })],
  } as AccessInfo;
  return {
    getAccess: async () => access,
    authorize: (req, ctx) => void req.headers.set("X-Auth-Token", ctx.access.token),
    invalidate: () => {},
    secrets: () => ["tok"],
  };
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
}

/** A client whose fetch records each request and answers with `answer`. */
function fake(answer: (req: Request) => Response) {
  const sent: Sent[] = [];
  const fetch = async (req: Request) => {
    const body = req.body ? new Uint8Array(await req.arrayBuffer()) : undefined;
    sent.push({ method: req.method, url: req.url, headers: Object.fromEntries(req.headers), body });
    return answer(req);
  };
  return { cp: createCloudpods({ authUrl: "https://10.211.55.9:30500/v3", auth: fakeAuth(), fetch }), sent };
}

const recorded = (name: string) =>
  JSON.parse(readFileSync(path.join(repoRoot, "test/fixtures/cloudpods-real/3.10", name), "utf8")) as {
    response: { status: number; headers: Record<string, string>; body: unknown };
  };
const HEAD_AFTER_UNPROTECT = recorded(
  "image2-010-image2-head-after-unprotect-HEAD-_v1_images_cee0414a_21bc_4526_89ac_50cdc447056f.json",
);
const CREATED = recorded("image2-002-image2-create-header-POST-_v1_images.json");
const metaOf = (sent: Sent) => Object.entries(sent.headers).filter(([k]) => k.startsWith("x-image-meta-"));

describe("createImage", () => {
  it("sends the fields as X-Image-Meta-* headers, no JSON body, and returns the image", async () => {
    const { cp, sent } = fake(() => Response.json(CREATED.response.body));
    const r = await createImage(cp, {
      name: "debian 12/镜像",
      disk_format: "qcow2",
      min_disk: 1024,
      protected: false,
      properties: { os_type: "Linux" },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe("POST");
    expect(sent[0]!.url).toBe(`${IMAGE_URL}/images`);
    expect(sent[0]!.body).toBeUndefined();
    expect(sent[0]!.headers["content-type"]).toBeUndefined();
    expect(Object.fromEntries(metaOf(sent[0]!))).toEqual({
      "x-image-meta-name": "debian%2012%2F%E9%95%9C%E5%83%8F",
      "x-image-meta-disk_format": "qcow2",
      "x-image-meta-min_disk": "1024",
      "x-image-meta-protected": "false",
      "x-image-meta-property-os_type": "Linux",
    });
    expect(r.data?.name).toBe("peer-img2-mx54syuu");
    expect(r.data?.min_disk).toBe(1024);
  });

  it("uploads the bytes as application/octet-stream, unchanged", async () => {
    const { cp, sent } = fake(() => Response.json(CREATED.response.body));
    const bytes = Uint8Array.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3, 0x7b, 0x22]);
    await createImage(cp, { generate_name: "img-", disk_format: "qcow2" }, bytes);
    expect(sent[0]!.headers["content-type"]).toBe("application/octet-stream");
    expect(sent[0]!.headers["x-image-meta-generate_name"]).toBe("img-");
    expect(sent[0]!.body).toEqual(bytes);
  });

  it("refuses an input without a name, and header-unsafe keys, before any request", async () => {
    const { cp, sent } = fake(() => Response.json({}));
    await expect(createImage(cp, { disk_format: "raw" } as never)).rejects.toSatisfy(
      (e) => CloudpodsError.isInstance(e) && e.code === "InvalidConfig" && /name/.test(e.message),
    );
    await expect(createImage(cp, { name: "x", properties: { "bad key": "v" } })).rejects.toSatisfy(
      (e) => CloudpodsError.isInstance(e) && /bad key/.test(e.message),
    );
    expect(() => imageMetaHeaders({ name: "x", properties: { os: 5 as unknown as string } })).toThrow(
      /must be a string/,
    );
    expect(sent).toHaveLength(0);
  });

  it("returns the server's error for a duplicate name", async () => {
    const dup = recorded("image2-003-image2-create-header-dup-name-POST-_v1_images.json");
    const { cp } = fake(() => Response.json(dup.response.body, { status: 409 }));
    const r = await createImage(cp, { name: "peer-img2-mx54syuu" });
    expect(r.data).toBeUndefined();
    expect(r.error).toMatchObject({ code: 409, class: "DuplicateNameError" });
  });
});

describe("updateImage and uploadImage", () => {
  it("update sends only headers; upload sends only bytes", async () => {
    const { cp, sent } = fake(() => Response.json(CREATED.response.body));
    await updateImage(cp, "img-1", { description: "a b/c", properties: { os_distribution: "Debian" } });
    await uploadImage(cp, "img-1", new Uint8Array([1, 2, 3]));
    expect(sent.map((s) => [s.method, s.url])).toEqual([
      ["PUT", `${IMAGE_URL}/images/img-1`],
      ["PUT", `${IMAGE_URL}/images/img-1`],
    ]);
    expect(Object.fromEntries(metaOf(sent[0]!))).toEqual({
      "x-image-meta-description": "a%20b%2Fc",
      "x-image-meta-property-os_distribution": "Debian",
    });
    expect(sent[0]!.body).toBeUndefined();
    expect(metaOf(sent[1]!)).toEqual([]);
    expect(sent[1]!.body).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("refuses values the server's repeated URL-decoding would alter, before any request", async () => {
    const { cp, sent } = fake(() => Response.json(CREATED.response.body));
    for (const description of ["a+b", "100%41", "x%2By"])
      await expect(updateImage(cp, "img-1", { description })).rejects.toSatisfy(
        (e) => CloudpodsError.isInstance(e) && e.code === "InvalidConfig" && /description/.test(e.message),
      );
    await expect(updateImage(cp, "img-1", { properties: { note: "1+1" } })).rejects.toThrow(/property-note/);
    // A bare "%" is not an escape: it survives, encoded.
    await updateImage(cp, "img-1", { description: "100% done" });
    expect(sent.map((s) => s.headers["x-image-meta-description"])).toEqual(["100%25%20done"]);
  });
});

describe("getImage", () => {
  it("reads the recorded HEAD answer into typed ImageDetails", async () => {
    const { cp, sent } = fake(
      () => new Response(null, { status: 200, headers: HEAD_AFTER_UNPROTECT.response.headers }),
    );
    const r = await getImage(cp, "cee0414a-21bc-4526-89ac-50cdc447056f");
    expect(sent[0]!.method).toBe("HEAD");
    expect(r.data).toMatchObject({
      id: "cee0414a-21bc-4526-89ac-50cdc447056f",
      name: "peer-img2-mx54syuu",
      min_disk: 1024,
      size: 0,
      protected: false,
      disable_delete: false,
      is_public: false,
      properties: { os_type: "Linux", os_distribution: "Debian" },
    });
    expect(typeof r.data?.update_version).toBe("number");
    expect(r.data).not.toHaveProperty("oss_checksum", "");
  });

  it("re-decodes UTF-8 header values that fetch read as Latin-1", () => {
    const latin1 = String.fromCharCode(...new TextEncoder().encode("镜像"));
    expect(parseImageMeta(new Headers({ "x-image-meta-name": latin1 })).name).toBe("镜像");
    expect(parseImageMeta(new Headers({ "x-image-meta-name": "café\u00e9" })).name).toBe("café\u00e9");
  });

  it("turns a HEAD failure (no body) into a typed error from the status", async () => {
    const { cp } = fake(() => new Response(null, { status: 404 }));
    const r = await getImage(cp, "no-such");
    expect(r.data).toBeUndefined();
    expect(r.error).toMatchObject({ code: 404, class: "ResourceNotFoundError" });
  });

  it("converts exactly the fields the spec types as numbers and booleans", async () => {
    const spec = await loadValidator("image");
    const schemas = (spec.document.components as Record<string, Record<string, unknown>>).schemas!;
    const props: Record<string, { type?: string; $ref?: string }> = {};
    const collect = (s: unknown): void => {
      const o = s as { $ref?: string; allOf?: unknown[]; properties?: typeof props };
      if (o.$ref) return collect(schemas[o.$ref.split("/").pop()!]);
      o.allOf?.forEach(collect);
      Object.assign(props, o.properties ?? {});
    };
    collect(schemas.ImageDetails);
    const typed = (t: string[]) =>
      Object.keys(props)
        .filter((k) => t.includes(props[k]!.type ?? ""))
        .sort();
    expect([...IMAGE_NUMBER_FIELDS].sort()).toEqual(typed(["integer", "number"]));
    expect([...IMAGE_BOOLEAN_FIELDS].sort()).toEqual(typed(["boolean"]));
  });
});
