// The image helpers end to end against the sandbox's image service (routed and validated from
// specs/image.yaml): create with bytes, read the fields back through HEAD, list, update, unprotect, delete.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCloudpods, type Cloudpods } from "../../src/client.js";
import { createImage, getImage, updateImage, uploadImage } from "../../src/image.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";

let sandbox: Sandbox;
let cp: Cloudpods;

beforeAll(async () => {
  sandbox = await startSandbox({ statusDelayMs: 0 });
  const { username, password, domain, project } = sandbox.admin;
  cp = createCloudpods({
    authUrl: sandbox.authUrl,
    credentials: { username, password, domain },
    project: { name: project, domain },
  });
});
afterAll(async () => {
  await cp?.close();
  await sandbox?.close();
});

describe("image helpers against the sandbox", () => {
  it("create with bytes → HEAD fields → list → update → unprotect → delete", async () => {
    const bytes = new Uint8Array(4096).fill(7);
    const name = "debian 12 / 镜像 100%";
    const created = await createImage(
      cp,
      { name, disk_format: "qcow2", min_disk: 1024, properties: { os_type: "Linux" } },
      bytes,
    );
    expect(created.error).toBeUndefined();
    const id = created.data!.id!;
    expect(created.data).toMatchObject({ name, disk_format: "qcow2", protected: true });

    const head = await getImage(cp, id);
    expect(head.data).toMatchObject({ id, name, size: 4096, min_disk: 1024, protected: true });
    expect(head.data?.properties).toEqual({ os_type: "Linux" });

    const { data: list } = await cp.image.GET("/images", { params: { query: { id: [id] } } });
    expect(list?.images.map((i) => i.name)).toEqual([name]);

    const updated = await updateImage(cp, id, { description: "a&b=c", properties: { os_version: "12" } });
    expect(updated.data).toMatchObject({ description: "a&b=c" });
    expect((await getImage(cp, id)).data?.properties).toEqual({ os_type: "Linux", os_version: "12" });

    const refused = await cp.image.DELETE("/images/{id}", { params: { path: { id } } });
    expect(refused.error).toMatchObject({ code: 403, class: "ForbiddenError" });
    await updateImage(cp, id, { protected: false });
    const deleted = await cp.image.DELETE("/images/{id}", { params: { path: { id } } });
    expect(deleted.error).toBeUndefined();
    // An active image goes to the recycle bin, as on the real service: HEAD still answers, flagged.
    const after = await getImage(cp, id);
    expect(after.data?.id).toBe(id);
    expect(after.data?.pending_deleted === true || after.data?.status === "deactivated").toBe(true);
  });

  it("a queued image takes its bytes with uploadImage; a second upload is refused", async () => {
    const created = await createImage(cp, { generate_name: "up-", protected: false });
    const id = created.data!.id!;
    expect(created.data?.status).toBe("queued");
    const up = await uploadImage(cp, id, new Uint8Array([1, 2, 3]));
    expect(up.error).toBeUndefined();
    const again = await uploadImage(cp, id, new Uint8Array([4]));
    expect(again.error).toMatchObject({ code: 400, class: "InvalidStatusError" });
  });
});
