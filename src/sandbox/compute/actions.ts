// Server, EIP and host actions beyond the life cycle: change-config, reset, rebuild-root, set-password,
// deploy (each a short status walk), disks, networks, secgroups and EIPs attached and detached, and host
// enable/disable. Each checks the statuses Cloudpods allows and answers the object, as the region does.

import { inputError, invalidStatus } from "../errors.js";
import { json, type Ctx, type OpHandler } from "../router.js";
import type { Json } from "../spec.js";
import type { Item } from "../store.js";
import { nextIp } from "./resources.js";
import type { ComputeState } from "./state.js";

/** Walks a server through `steps` on the status clock (servers.ts owns the clock and generations). */
export type Walk = (server: Item, steps: string[]) => void;

const input = (ctx: Ctx, keyword: string): Json => (ctx.body?.[keyword] ?? {}) as Json;

/** "4g", "512m", "1024" (MB) → MB, the forms change-config takes. */
function megabytes(v: unknown): number {
  const m = /^(\d+)\s*([gmGM]?)$/.exec(String(v));
  if (!m) throw inputError(`vmem_size: invalid ${String(v)}`);
  return Number(m[1]) * (m[2]?.toLowerCase() === "g" ? 1024 : 1);
}

export function actionHandlers(s: ComputeState, walk: Walk): Map<string, OpHandler> {
  const server = (ctx: Ctx): Item => s.servers.get(ctx.params.id!);
  const need = (sv: Item, allowed: string[], action: string): void => {
    if (!allowed.includes(String(sv.status)))
      throw invalidStatus(`Cannot do ${action} in status ${String(sv.status)}`);
  };
  const reply = (sv: Item) => json({ server: sv });
  const steady = ["running", "ready"];
  const walkAction =
    (action: string, allowed: string[], steps: (sv: Item) => string[]): OpHandler =>
    (ctx) => {
      const sv = server(ctx);
      need(sv, allowed, action);
      walk(sv, steps(sv));
      return reply(sv);
    };
  const back = (sv: Item): string => String(sv.status);

  const eipOf = (id: string): Item => s.eips.get(id);
  const associate = (eip: Item, sv: Item): void => {
    if (eip.associate_id) throw invalidStatus(`eip ${String(eip.name)} is already associated`);
    Object.assign(eip, { associate_id: sv.id, associate_name: sv.name, associate_type: "server" });
    sv.eip = eip.ip_addr;
  };
  const dissociate = (eip: Item): void => {
    const sv = eip.associate_id ? s.servers.find(String(eip.associate_id)) : undefined;
    if (sv) delete sv.eip;
    for (const k of ["associate_id", "associate_name", "associate_type"]) delete eip[k];
  };

  return new Map<string, OpHandler>([
    [
      "changeServerConfig",
      (ctx) => {
        const sv = server(ctx);
        need(sv, ["ready"], "change-config");
        const i = input(ctx, "server");
        if (i.vcpu_count !== undefined) sv.vcpu_count = Number(i.vcpu_count);
        if (i.vmem_size !== undefined) sv.vmem_size = megabytes(i.vmem_size);
        if (i.instance_type !== undefined) {
          const sku = s.serverskus.get(String(i.instance_type));
          Object.assign(sv, {
            instance_type: sku.name,
            vcpu_count: sku.cpu_core_count,
            vmem_size: sku.memory_size_mb,
          });
        }
        walk(sv, ["change_config", "ready"]);
        return reply(sv);
      },
    ],
    ["resetServer", walkAction("reset", ["running"], () => ["stopping", "starting", "running"])],
    [
      "rebuildServerRoot",
      walkAction("rebuild-root", steady, (sv) => ["rebuild_root", "deploying", back(sv)]),
    ],
    ["setServerPassword", walkAction("set-password", steady, (sv) => ["deploying", back(sv)])],
    ["deployServer", walkAction("deploy", steady, (sv) => ["deploying", back(sv)])],
    [
      "attachServerDisk",
      (ctx) => {
        const sv = server(ctx);
        const disk = s.disks.get(String(input(ctx, "server").disk_id));
        if (disk.guest_id)
          throw invalidStatus(`disk ${String(disk.name)} is attached to ${String(disk.guest)}`);
        Object.assign(disk, { guest: sv.name, guest_id: sv.id });
        sv.disk_count = Number(sv.disk_count ?? 0) + 1;
        return reply(sv);
      },
    ],
    [
      "detachServerDisk",
      (ctx) => {
        const sv = server(ctx);
        const disk = s.disks.get(String(input(ctx, "server").disk_id));
        if (disk.guest_id !== sv.id)
          throw inputError(`disk ${String(disk.name)} is not attached to this server`);
        if (disk.disk_type === "sys") throw inputError("the system disk cannot be detached");
        delete disk.guest;
        delete disk.guest_id;
        sv.disk_count = Math.max(0, Number(sv.disk_count ?? 1) - 1);
        if (input(ctx, "server").keep_disk === false) s.disks.remove(disk.id);
        return reply(sv);
      },
    ],
    [
      "attachServerNetwork",
      (ctx) => {
        const sv = server(ctx);
        const nets = (input(ctx, "server").nets as Json[] | undefined) ?? [];
        if (!nets.length) throw inputError("nets: missing input field");
        const ips = String(sv.ips ?? "")
          .split(",")
          .filter(Boolean);
        for (const n of nets)
          ips.push(String(n.address ?? nextIp(s.networks.get(String(n.network ?? n.network_id)), s)));
        sv.ips = ips.join(",");
        return reply(sv);
      },
    ],
    [
      "detachServerNetwork",
      (ctx) => {
        const sv = server(ctx);
        const ip = String(input(ctx, "server").ip_addr ?? "");
        const ips = String(sv.ips ?? "")
          .split(",")
          .filter((x) => x && x !== ip);
        sv.ips = ips.join(",") || undefined;
        return reply(sv);
      },
    ],
    [
      "associateServerEip",
      (ctx) => {
        const sv = server(ctx);
        associate(eipOf(String(input(ctx, "server").eip_id)), sv);
        return reply(sv);
      },
    ],
    [
      "dissociateServerEip",
      (ctx) => {
        const sv = server(ctx);
        const eip = [...s.eips.items.values()].find((e) => e.associate_id === sv.id);
        if (!eip) throw invalidStatus("server has no eip");
        dissociate(eip);
        return reply(sv);
      },
    ],
    [
      "addServerSecgroup",
      (ctx) => {
        const sv = server(ctx);
        const ids = (input(ctx, "server").secgroup_ids as string[] | undefined) ?? [];
        const have = (sv.secgroups as { id: string; name: string }[] | undefined) ?? [];
        for (const id of ids) {
          const sg = s.secgroups.get(id);
          if (!have.some((g) => g.id === sg.id)) have.push({ id: sg.id, name: String(sg.name) });
        }
        sv.secgroups = have;
        return reply(sv);
      },
    ],
    [
      "revokeServerSecgroup",
      (ctx) => {
        const sv = server(ctx);
        const ids = new Set(
          ((input(ctx, "server").secgroup_ids as string[] | undefined) ?? []).map(
            (id) => s.secgroups.get(id).id,
          ),
        );
        sv.secgroups = ((sv.secgroups as { id: string }[] | undefined) ?? []).filter((g) => !ids.has(g.id));
        return reply(sv);
      },
    ],
    [
      "associateEip",
      (ctx) => {
        const eip = eipOf(ctx.params.id!);
        associate(eip, s.servers.get(String(input(ctx, "eip").instance_id)));
        return json({ eip });
      },
    ],
    [
      "dissociateEip",
      (ctx) => {
        const eip = eipOf(ctx.params.id!);
        dissociate(eip);
        return json({ eip });
      },
    ],
    [
      "changeEipBandwidth",
      (ctx) => {
        const eip = eipOf(ctx.params.id!);
        const i = input(ctx, "eip");
        const bw = Number(i.bandwidth_mb ?? i.bandwidth);
        if (!(bw > 0)) throw inputError("bandwidth: must be a positive number");
        eip.bandwidth = bw;
        return json({ eip });
      },
    ],
    ["enableHost", (ctx) => json({ host: Object.assign(s.hosts.get(ctx.params.id!), { enabled: true }) })],
    ["disableHost", (ctx) => json({ host: Object.assign(s.hosts.get(ctx.params.id!), { enabled: false }) })],
  ]);
}
