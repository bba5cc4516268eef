// Servers and their asynchronous life: a create answers at once in `init`, then a task walks the statuses
// Cloudpods' KVM driver goes through, one per clock step, to `running`; stop → `ready`, start, restart,
// delete (to the recycle bin unless `override_pending_delete`). A system disk from an image that is not
// active ends in `disk_fail`; an unknown image id is refused at once with 404, as the region does.

import type { Scheduler } from "../clock.js";
import { SandboxHttpError, inputError, invalidStatus, notFound } from "../errors.js";
import { json, type Ctx, type OpHandler } from "../router.js";
import type { Json } from "../spec.js";
import type { Item } from "../store.js";
import { isoSeconds } from "../time.js";
import type { ImageState } from "../image/state.js";
import { actionHandlers } from "./actions.js";
import { moreActionHandlers } from "./more-actions.js";
import { nextIp } from "./resources.js";
import type { ComputeState, Owner } from "./state.js";

export const CREATE_STEPS = ["schedule", "create_disk", "start_deploy", "deploying", "starting", "running"];
const STOP_STEPS = ["stopping", "ready"];
const START_STEPS = ["starting", "running"];
const RESTART_STEPS = ["stopping", "ready", "starting", "running"];

export function serverHandlers(
  s: ComputeState,
  images: ImageState,
  clock: Scheduler,
  owner: (ctx: Ctx) => Owner,
  ownerOf: (project: string) => Owner | undefined,
): Map<string, OpHandler> {
  // A newer action replaces the steps still pending from an older one.
  const generation = new Map<string, number>();
  const walk = (
    server: Item,
    steps: string[],
    onDone?: () => void,
    failAt?: { index: number; status: string },
  ): void => {
    const gen = (generation.get(server.id) ?? 0) + 1;
    generation.set(server.id, gen);
    const step = (i: number): void => {
      const alive = s.servers.items.has(server.id) || s.disks.items.has(server.id);
      if (generation.get(server.id) !== gen || !alive) return;
      server.status = failAt && i === failAt.index ? failAt.status : steps[i];
      server.updated_at = isoSeconds(clock.now());
      server.update_version = Number(server.update_version) + 1;
      if (failAt && i === failAt.index) return;
      if (i + 1 < steps.length) clock.later(() => step(i + 1));
      else onDone?.();
    };
    clock.later(() => step(0));
  };
  const server = (ctx: Ctx): Item => s.servers.get(ctx.params.id!);
  const reply = (sv: Item): ReturnType<OpHandler> => json({ server: sv });
  const need = (sv: Item, allowed: string[], action: string): void => {
    if (!allowed.includes(String(sv.status)))
      throw invalidStatus(`Cannot do ${action} in status ${String(sv.status)}`);
  };

  function create(ctx: Ctx): ReturnType<OpHandler> {
    const input = (ctx.body?.server ?? {}) as Json;
    const name = String(input.name ?? input.generate_name ?? "");
    if (!name) throw inputError("name: missing input field");
    let vcpu = Number(input.vcpu_count ?? 0);
    let vmem = Number(input.vmem_size ?? 0);
    const skuName = input.instance_type ?? input.sku;
    if (skuName !== undefined) {
      const sku = s.serverskus.get(String(skuName));
      vcpu ||= Number(sku.cpu_core_count);
      vmem ||= Number(sku.memory_size_mb);
    }
    if (!vcpu) vcpu = 1;
    if (!vmem) vmem = 1024;
    const disks = ((input.disks as Json[] | undefined) ?? []).map((d, i) => {
      const image = d.image_id === undefined ? undefined : images.images.find(String(d.image_id));
      if (d.image_id !== undefined && !image) throw notFound("image", String(d.image_id));
      return {
        index: i,
        image,
        size: Number(d.size ?? (image ? Math.max(Number(image.min_disk ?? 0), 10240) : 0)),
      };
    });
    if (!disks.length) throw inputError("disks: the system disk is required");
    if (disks[0]!.size <= 0) throw inputError("disks.0.size: missing input field");
    const network = [...s.networks.items.values()].find((n) => n.server_type === "guest");
    const host = [...s.hosts.items.values()][0];
    const o = owner(ctx);
    const sg = s.secgroups.get(String(input.secgrp_id ?? "default"));
    const sv = s.servers.insert(
      s.base(name, {
        ...o,
        auto_renew: false,
        backup_guest_status: "init",
        billing_type: "postpaid",
        can_recycle: false,
        cdrom_support: true,
        floppy_support: true,
        host_enabled: host?.enabled === true,
        internet_max_bandwidth_out: 0,
        is_daemon: false,
        is_gpu: false,
        is_prepaid_recycle: false,
        metadata: {},
        monitor_url: "http://169.254.169.254/monitor",
        progress_mbps: 0,
        qga_status: "unknown",
        rescue_mode: false,
        security_rules: "in:allow any",
        shutdown_mode: "keep_charging",
        src_ip_check: true,
        src_mac_check: true,
        sshable_last_state: false,
        throughput: 0,
        boot_order: "cdn",
        brand: "OneCloud",
        disable_delete: input.disable_delete ?? false,
        disk: disks.reduce((a, d) => a + d.size, 0),
        disk_count: disks.length,
        host: host?.name,
        host_id: host?.id,
        hostname: String(input.hostname ?? name),
        hypervisor: String(input.hypervisor ?? "kvm"),
        ips: network ? nextIp(network, s) : undefined,
        is_system: false,
        os_type:
          String(disks[0]!.image?.properties && (disks[0]!.image.properties as Json).os_type) || "Linux",
        pending_deleted: false,
        power_states: "on",
        progress: 0,
        provider: "OneCloud",
        secgroup: sg.name,
        secgroups: [{ id: sg.id, name: sg.name }],
        secgrp_id: sg.id,
        shutdown_behavior: "stop",
        status: "init",
        vcpu_count: vcpu,
        vmem_size: vmem,
        zone: host?.zone,
        zone_id: host?.zone_id,
        ...(input.keypair_id !== undefined
          ? { keypair_id: s.keypairs.get(String(input.keypair_id)).id }
          : {}),
      }),
    );
    for (const d of disks) {
      s.disks.insert(
        s.base(`${name}-disk${d.index}`, {
          ...o,
          disk_format: "qcow2",
          disk_size: d.size,
          disk_type: d.index === 0 ? "sys" : "data",
          guest: sv.name,
          guest_id: sv.id,
          pending_deleted: false,
          status: "init",
          storage_type: "local",
          template_id: d.image?.id,
        }),
        { uniqueName: false },
      );
    }
    const sysImage = disks[0]!.image;
    const broken = sysImage !== undefined && sysImage.status !== "active";
    walk(
      sv,
      CREATE_STEPS,
      () => setDisks(sv, "ready"),
      broken ? { index: 2, status: "disk_fail" } : undefined,
    );
    return reply(sv);
  }

  const setDisks = (sv: Item, status: string): void => {
    for (const d of s.disks.items.values()) if (d.guest_id === sv.id) d.status = status;
  };

  const remove = (ctx: Ctx): ReturnType<OpHandler> => {
    const sv = server(ctx);
    if (sv.disable_delete === true)
      throw new SandboxHttpError(403, "ForbiddenError", "Virtual server is locked, cannot delete");
    const override = String(ctx.query.override_pending_delete ?? "false") === "true";
    const purge = String(ctx.query.purge ?? "false") === "true";
    if (!override && !purge && sv.pending_deleted !== true) {
      // To the recycle bin: still there, listed only with pending_delete=true.
      Object.assign(sv, { pending_deleted: true, pending_deleted_at: isoSeconds(clock.now()) });
      walk(sv, STOP_STEPS);
      return reply(sv);
    }
    walk(sv, ["deleting"], () => {
      s.servers.remove(sv.id);
      for (const d of [...s.disks.items.values()]) if (d.guest_id === sv.id) s.disks.remove(d.id);
    });
    return reply(sv);
  };

  const running = ["running"];
  const stopped = ["ready"];
  return new Map<string, OpHandler>([
    ["createServer", create],
    ["deleteServer", remove],
    ["getServerStatus", (ctx) => json({ server: { status: server(ctx).status } })],
    [
      "startServer",
      (ctx) => {
        const sv = server(ctx);
        if (sv.status === "running") return reply(sv);
        need(sv, stopped, "start");
        walk(sv, START_STEPS);
        return reply(sv);
      },
    ],
    [
      "stopServer",
      (ctx) => {
        const sv = server(ctx);
        if (sv.status === "ready") return reply(sv);
        need(sv, [...running, "start_fail", "stop_fail"], "stop");
        walk(sv, STOP_STEPS);
        return reply(sv);
      },
    ],
    [
      "restartServer",
      (ctx) => {
        const sv = server(ctx);
        need(sv, [...running, ...stopped], "restart");
        walk(sv, sv.status === "ready" ? START_STEPS : RESTART_STEPS);
        return reply(sv);
      },
    ],
    ["syncServerStatus", (ctx) => reply(server(ctx))],
    [
      "getKeypairPrivateKey",
      (ctx) => {
        const kp = s.keypairs.get(ctx.params.id!);
        const key = s.privateKeys.get(kp.id);
        if (!key)
          throw new SandboxHttpError(404, "NotFoundError", "private key not found or already fetched");
        s.privateKeys.delete(kp.id); // handed out exactly once
        return json({ keypair: { name: kp.name, private_key: key } });
      },
    ],
    ...actionHandlers(s, walk),
    ...moreActionHandlers(s, walk, ownerOf),
  ]);
}
