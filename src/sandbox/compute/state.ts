// One region service's objects in memory (the sandbox runs one per catalog region), with the columns the
// recordings show on every region object, and the seed a small on-premise install has: the Default region,
// a zone, the default VPC, a wire and network, a KVM host with local storage, the default secgroup and a
// few SKUs.

import { Collection, newId, statusTotals, type Item } from "../store.js";
import { isoSeconds } from "../time.js";
import type { Json } from "../spec.js";

/** The project fields region objects carry, from the caller's token. */
export interface Owner {
  domain_id: string;
  project: string;
  project_domain: string;
  project_src: "local";
  tenant: string;
  tenant_id: string;
}

const region = (
  keyword: string,
  plural: string,
  extra: Partial<ConstructorParameters<typeof Collection>[0]> = {},
) => new Collection({ keyword, plural, idStyle: "uuid", ...extra });

// Servers and disks in the recycle bin are listed only with `pending_delete=true` (or `all`).
const pendingHidden = (i: Item, q: Json): boolean => {
  const want = String(q.pending_delete ?? "false");
  if (want === "all") return false;
  return (i.pending_deleted === true) !== (want === "true");
};

export class ComputeState {
  readonly servers = region("server", "servers", { hidden: pendingHidden, totals: serverTotals });
  readonly disks = region("disk", "disks", { hidden: pendingHidden });
  readonly networks = region("network", "networks", { totals: statusTotals });
  readonly vpcs = region("vpc", "vpcs");
  readonly wires = region("wire", "wires");
  readonly zones = region("zone", "zones");
  readonly cloudregions = region("cloudregion", "cloudregions");
  readonly hosts = region("host", "hosts");
  readonly storages = region("storage", "storages");
  readonly secgroups = region("secgroup", "secgroups", { totals: statusTotals });
  readonly secgrouprules = region("secgrouprule", "secgrouprules");
  readonly eips = region("eip", "eips", { totals: statusTotals });
  readonly serverskus = region("serversku", "serverskus");
  readonly keypairs = region("keypair", "keypairs");
  /** Keypair id → its generated private key, handed out once. */
  readonly privateKeys = new Map<string, string>();

  constructor(
    private readonly now: () => number,
    readonly regionId: string,
    owner: Owner,
  ) {
    this.seed(owner);
  }

  base(name: string, extra: Json = {}): Item {
    const t = isoSeconds(this.now());
    return {
      account_read_only: false,
      can_delete: true,
      can_update: true,
      created_at: t,
      deleted: false,
      freezed: false,
      id: newId("uuid"),
      imported_at: t,
      is_emulated: false,
      name,
      progress: 100,
      source: "local",
      update_version: 0,
      updated_at: t,
      ...extra,
    } as Item;
  }

  /** The region and provider columns of an on-premise object. */
  placed(): Json {
    return {
      brand: "OneCloud",
      cloud_env: "onpremise",
      cloudregion: "Default",
      cloudregion_id: "default",
      provider: "OneCloud",
      region: "Default",
      region_id: "default",
    };
  }

  private seed(owner: Owner): void {
    const shared = {
      domain_id: "default",
      is_public: true,
      project_domain: "Default",
      public_scope: "system",
    };
    this.cloudregions.insert(
      this.base("Default", {
        _i18n: {},
        can_delete: false,
        description: "Default Region",
        enabled: true,
        id: "default",
        latitude: 0,
        longitude: 0,
        provider: "OneCloud",
        status: "inservice",
      }),
    );
    const zone = this.zones.insert(
      this.base("zone0", {
        _i18n: {},
        can_delete: false,
        ...this.placed(),
        status: "enable",
        description: "",
      }),
    );
    const vpc = this.vpcs.insert(
      this.base("Default", {
        ...this.placed(),
        ...shared,
        ...VPC_COUNTERS,
        can_delete: false,
        description: "Default VPC",
        direct: false,
        enabled: false,
        external_access_mode: "eip",
        id: "default",
        is_default: true,
        status: "available",
      }),
    );
    const wire = this.wires.insert(
      this.base("wire0", {
        ...this.placed(),
        ...shared,
        bandwidth: 1000,
        can_delete: false,
        mtu: 1500,
        status: "available",
        vpc: vpc.name,
        vpc_id: vpc.id,
        zone: zone.name,
        zone_id: zone.id,
      }),
    );
    this.networks.insert(
      this.base("net0", {
        ...this.placed(),
        ...shared,
        ...owner,
        ...NETWORK_COUNTERS,
        can_delete: false,
        exit: false,
        guest_gateway: "10.0.0.1",
        guest_ip_end: "10.0.0.254",
        guest_ip_mask: 24,
        guest_ip_start: "10.0.0.10",
        is_system: false,
        pending_deleted: false,
        server_type: "guest",
        status: "available",
        vlan_id: 1,
        vpc: vpc.name,
        vpc_id: vpc.id,
        wire: wire.name,
        wire_id: wire.id,
        zone: zone.name,
        zone_id: zone.id,
      }),
    );
    const host = this.hosts.insert(
      this.base("host0", {
        ...this.placed(),
        access_ip: "10.0.0.2",
        cpu_count: 32,
        enabled: true,
        host_status: "online",
        host_type: "hypervisor",
        is_baremetal: false,
        mem_size: 131072,
        status: "running",
        storage_size: 2_000_000,
        zone: zone.name,
        zone_id: zone.id,
      }),
    );
    this.storages.insert(
      this.base("host0-local", {
        ...this.placed(),
        capacity: 2_000_000,
        enabled: true,
        medium_type: "ssd",
        status: "online",
        storage_type: "local",
        zone: zone.name,
        zone_id: zone.id,
        hosts: [{ id: host.id, name: host.name }],
      }),
    );
    const sg = this.secgroups.insert(
      this.base("Default", {
        ...owner,
        ...SECGROUP_COUNTERS,
        can_delete: false,
        description: "Default security group",
        id: "default",
        is_public: true,
        is_system: false,
        pending_deleted: false,
        public_scope: "system",
        status: "ready",
      }),
    );
    for (const [priority, ports] of [[1, "any"]] as const) {
      this.secgrouprules.insert(
        this.base("", {
          action: "allow",
          cidr: "0.0.0.0/0",
          direction: "in",
          ports,
          priority,
          protocol: "any",
          secgroup: sg.name,
          secgroup_id: sg.id,
          ...owner,
        }),
        { uniqueName: false },
      );
    }
    for (const [cpu, memGb] of [
      [1, 1],
      [2, 4],
      [4, 8],
    ] as const) {
      this.serverskus.insert(
        this.base(`ecs.g1.c${cpu}m${memGb}`, {
          ...this.placed(),
          cpu_core_count: cpu,
          enabled: true,
          instance_type_category: "general_purpose",
          instance_type_family: "g1",
          memory_size_mb: memGb * 1024,
          os_name: "Any",
          postpaid_status: "available",
          prepaid_status: "available",
          status: "ready",
        }),
      );
    }
  }
}

/** The zero counters and flags every network answer carries (the region fills them from its tables). */
export const NETWORK_COUNTERS = {
  bm_reused_vnics: 0,
  bm_vnics: 0,
  eip_vnics: 0,
  group_vnics: 0,
  is_system: false,
  lb_vnics: 0,
  nat_vnics: 0,
  networkinterface_vnics: 0,
  public_src: "local",
  rds_vnics: 0,
  reserve_vnics: 0,
  vnics: 0,
};

export const SECGROUP_COUNTERS = {
  admin_guest_cnt: 0,
  cache_cnt: 0,
  is_dirty: false,
  public_src: "local",
  system_guest_cnt: 0,
  total_cnt: 0,
};

export const VPC_COUNTERS = {
  accpet_vpc_peer_count: 0, // sic: the region's own spelling
  direct: false,
  dns_zone_count: 0,
  domain_src: "local",
  natgateway_count: 0,
  request_vpc_peer_count: 0,
  routetable_count: 0,
};

/** Servers' `totals`, with the sums the region adds (recordings: cpu_count, mem_mb, disk_mb, ...). */
function serverTotals(items: Item[]): Json {
  const base = statusTotals(items);
  const sum = (k: string): number => items.reduce((a, i) => a + Number(i[k] ?? 0), 0);
  return {
    count: 0,
    cpu_count: sum("vcpu_count"),
    disk_count: sum("disk_count"),
    disk_mb: sum("disk"),
    mem_mb: sum("vmem_size"),
    status_info: base.status_info,
  };
}
