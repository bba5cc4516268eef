// The image service's (glance) objects: images with their bytes, seeded with two active images so a server
// can be created at once. Uploads move through queued → saving → saved → active on the sandbox clock.

import { createHash } from "node:crypto";
import type { Scheduler } from "../clock.js";
import type { Owner } from "../compute/state.js";
import { Collection, newId, statusTotals, type Item } from "../store.js";
import { isoSeconds } from "../time.js";
import type { Json } from "../spec.js";

const UPLOAD_STEPS = ["saving", "saved", "active"];

export class ImageState {
  readonly images = new Collection({
    keyword: "image",
    plural: "images",
    idStyle: "uuid",
    totals: statusTotals,
    hidden: (i, q) => i.pending_deleted === true && String(q.pending_delete ?? "false") === "false",
    // details=false drops the joined and computed columns (recordings), and `owner`/`properties` only
    // ever appear on single objects.
    detailFields: [
      "can_delete",
      "can_update",
      "disable_delete",
      "project",
      "project_domain",
      "tenant",
      "owner",
      "properties",
    ],
  });
  readonly bytes = new Map<string, Buffer>();

  constructor(
    private readonly clock: Scheduler,
    owner: Owner,
  ) {
    for (const [name, format, size, os] of [
      ["cirros-0.6.2-x86_64", "qcow2", 21_430_272, "Linux"],
      ["ubuntu-22.04-server", "qcow2", 688_390_144, "Linux"],
    ] as const) {
      const image = this.make(name, owner, {
        disk_format: format,
        protected: false,
        is_public: true,
        public_scope: "system",
        properties: { os_type: os },
      });
      Object.assign(image, {
        status: "active",
        size,
        checksum: createHash("md5").update(name).digest("hex"),
        min_disk: 10240,
      });
      this.images.insert(image);
    }
  }

  make(name: string, owner: Owner, fields: Json): Item {
    const t = isoSeconds(this.clock.now());
    const isProtected = fields.protected ?? true; // glance's default: protected
    return {
      can_delete: !isProtected,
      can_update: true,
      created_at: t,
      deleted: false,
      disable_delete: isProtected,
      disk_format: "raw",
      domain_id: owner.domain_id,
      freezed: false,
      id: newId("uuid"),
      is_data: false,
      is_emulated: false,
      is_guest_image: false,
      is_public: false,
      is_standard: false,
      is_system: false,
      min_disk: 0,
      min_ram: 0,
      name,
      owner: owner.tenant_id,
      pending_deleted: false,
      progress: 100,
      project: owner.project,
      project_domain: owner.project_domain,
      project_src: "local",
      protected: isProtected,
      public_scope: "none",
      public_src: "local",
      size: 0,
      status: "queued",
      tenant: owner.tenant,
      tenant_id: owner.tenant_id,
      update_version: 0,
      updated_at: t,
      ...fields,
    } as Item;
  }

  /** Stores the bytes and moves the image to active, one status per clock step. */
  upload(image: Item, data: Buffer): void {
    this.bytes.set(image.id, data);
    image.size = data.length;
    image.checksum = createHash("md5").update(data).digest("hex");
    image.oss_checksum = image.checksum;
    image.fast_hash = image.checksum;
    image.location = `file:///opt/cloud/workspace/data/glance/images/${image.id}`;
    const step = (i: number): void => {
      if (!this.images.items.has(image.id)) return;
      image.status = UPLOAD_STEPS[i];
      image.updated_at = isoSeconds(this.clock.now());
      image.update_version = Number(image.update_version) + 1;
      if (i + 1 < UPLOAD_STEPS.length) this.clock.later(() => step(i + 1));
    };
    step(0);
  }
}
