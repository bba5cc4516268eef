// The server and disk actions added to the spec later: migrate, live-migrate, suspend, resume,
// create-eip, change-owner, vnc and disk resize, each with the statuses the spec documents.

import { randomBytes } from "node:crypto";
import { inputError, invalidStatus } from "../errors.js";
import { json, type Ctx, type OpHandler } from "../router.js";
import type { Json } from "../spec.js";
import type { Item } from "../store.js";
import type { Walk } from "./actions.js";
import { nextIp } from "./resources.js";
import type { ComputeState, Owner } from "./state.js";

const input = (ctx: Ctx, keyword: string): Json => (ctx.body?.[keyword] ?? {}) as Json;

export function moreActionHandlers(
  s: ComputeState,
  walk: Walk,
  ownerOf: (projectId: string) => Owner | undefined,
): Map<string, OpHandler> {
  const server = (ctx: Ctx): Item => s.servers.get(ctx.params.id!);
  const walkAction =
    (action: string, allowed: string, steps: string[]): OpHandler =>
    (ctx) => {
      const sv = server(ctx);
      if (sv.status !== allowed) throw invalidStatus(`Cannot do ${action} in status ${String(sv.status)}`);
      walk(sv, steps);
      return json({ server: sv });
    };
  return new Map<string, OpHandler>([
    ["migrateServer", walkAction("migrate", "ready", ["migrating", "ready"])],
    ["liveMigrateServer", walkAction("live-migrate", "running", ["live_migrating", "running"])],
    ["suspendServer", walkAction("suspend", "running", ["suspending", "suspend"])],
    ["resumeServer", walkAction("resume", "suspend", ["resuming", "running"])],
    [
      "createServerEip",
      (ctx) => {
        const sv = server(ctx);
        if ([...s.eips.items.values()].some((e) => e.associate_id === sv.id))
          throw invalidStatus("server already has an eip");
        const i = input(ctx, "server");
        const network = [...s.networks.items.values()].find((n) => n.server_type === "eip");
        const eip = s.eips.insert(
          s.base(`eip-${String(sv.name)}`, {
            ...s.placed(),
            associate_id: sv.id,
            associate_name: sv.name,
            associate_type: "server",
            auto_dellocate: i.auto_dellocate ?? false,
            bandwidth: Number(i.bandwidth ?? 10),
            charge_type: String(i.charge_type ?? "bandwidth"),
            ip_addr: network ? nextIp(network, s) : `203.0.113.${10 + s.eips.items.size}`,
            mode: "elastic_ip",
            status: "ready",
          }),
          { uniqueName: false },
        );
        sv.eip = eip.ip_addr;
        return json({ server: sv });
      },
    ],
    [
      "changeServerOwner",
      (ctx) => {
        const sv = server(ctx);
        const projectId = String(input(ctx, "server").project_id ?? "");
        const owner = ownerOf(projectId);
        if (!owner) throw inputError(`project ${projectId} not found`);
        Object.assign(sv, owner);
        for (const d of s.disks.items.values()) if (d.guest_id === sv.id) Object.assign(d, owner);
        return json({ server: sv });
      },
    ],
    [
      "getServerVnc",
      (ctx) => {
        const sv = server(ctx);
        if (sv.status !== "running") throw invalidStatus(`Cannot do vnc in status ${String(sv.status)}`);
        return json({
          server: {
            host: "10.0.0.2",
            hypervisor: sv.hypervisor,
            id: sv.id,
            os_name: sv.os_name,
            password: randomBytes(6).toString("hex"), // short-lived, as the region's
            port: 5900,
            protocol: "vnc",
          },
        });
      },
    ],
    [
      "resizeDisk",
      (ctx) => {
        const disk = s.disks.get(ctx.params.id!);
        const size = Number(input(ctx, "disk").size);
        if (!(size > Number(disk.disk_size ?? 0))) throw inputError("size: disks only grow");
        if (disk.status !== "ready") throw invalidStatus(`Cannot resize in status ${String(disk.status)}`);
        disk.disk_size = size;
        walk(disk, ["start_resize", "resizing", "ready"]);
        return json({ disk });
      },
    ],
  ]);
}
