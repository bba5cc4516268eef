// How each region resource builds, changes and removes its objects, with the checks the recordings show
// (vpc needs cloudregion and a valid external_access_mode; keypair schemes; secgroup rules listed on their
// group). Servers are in servers.ts.

import { generateKeyPairSync, createHash } from "node:crypto";
import type { Resource } from "../crud.js";
import { inputError, missingParameter, SandboxHttpError } from "../errors.js";
import type { Ctx } from "../router.js";
import type { Json } from "../spec.js";
import type { Item } from "../store.js";
import { isoSeconds } from "../time.js";
import { NETWORK_COUNTERS, SECGROUP_COUNTERS, VPC_COUNTERS, type ComputeState, type Owner } from "./state.js";

const EXTERNAL_ACCESS_MODES = ["distgw", "eip-distgw", "eip", "none"];
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

export function computeResources(
  s: ComputeState,
  owner: (ctx: Ctx) => Owner,
  now: () => number,
): Map<string, Resource> {
  const named = (input: Json): string => {
    const name = str(input.name) ?? str(input.generate_name);
    if (!name) throw inputError("name: missing input field");
    return name;
  };
  const ref = (c: { get(id: string): Item }, key: string, input: Json): Item => {
    const id = str(input[key]) ?? str(input[key.replace(/_id$/, "")]);
    if (!id) throw missingParameter(key.replace(/_id$/, ""));
    return c.get(id);
  };
  const rulesOf = (sg: Item): Item[] =>
    [...s.secgrouprules.items.values()].filter((r) => r.secgroup_id === sg.id);

  return new Map<string, Resource>([
    [
      "zones",
      {
        collection: s.zones,
        create: (input) => s.base(named(input), { _i18n: {}, ...s.placed(), status: "enable", ...input }),
        view: (z) => ({
          ...z,
          baremetals: 0,
          baremetals_enabled: 0,
          hosts: [...s.hosts.items.values()].filter((h) => h.zone_id === z.id).length,
          hosts_enabled: [...s.hosts.items.values()].filter((h) => h.zone_id === z.id && h.enabled).length,
          storages: [...s.storages.items.values()].filter((st) => st.zone_id === z.id).length,
          networks: [...s.networks.items.values()].filter((n) => n.zone_id === z.id).length,
          wires: [...s.wires.items.values()].filter((w) => w.zone_id === z.id).length,
        }),
      },
    ],
    [
      "cloudregions",
      {
        collection: s.cloudregions,
        create: () => {
          throw inputError("cloudregions are created by the system");
        },
        view: (r) => ({
          ...r,
          network_count: s.networks.items.size,
          vpc_count: s.vpcs.items.size,
          zone_count: s.zones.items.size,
        }),
      },
    ],
    [
      "hosts",
      {
        collection: s.hosts,
        create: () => {
          throw inputError("hosts register themselves");
        },
      },
    ],
    [
      "storages",
      {
        collection: s.storages,
        create: (input) => {
          const zone = ref(s.zones, "zone_id", input);
          return s.base(named(input), {
            ...s.placed(),
            enabled: true,
            status: "online",
            ...input,
            zone: zone.name,
            zone_id: zone.id,
          });
        },
      },
    ],
    [
      "vpcs",
      {
        collection: s.vpcs,
        create: (input) => {
          if (!str(input.cloudregion_id) && !str(input.cloudregion)) throw missingParameter("cloudregion");
          s.cloudregions.get(String(input.cloudregion_id ?? input.cloudregion));
          // 3.10 defaults the mode to `available`, which its own check then refuses (recordings).
          const mode = str(input.external_access_mode) ?? "available";
          if (!EXTERNAL_ACCESS_MODES.includes(mode))
            throw inputError(
              `invalid external_access_mode ${JSON.stringify(mode)}, want [${EXTERNAL_ACCESS_MODES.join(" ")}]`,
            );
          return s.base(named(input), {
            ...s.placed(),
            ...VPC_COUNTERS,
            cidr_block: "192.168.0.0/16",
            domain_id: "default",
            enabled: true,
            is_default: false,
            is_public: false,
            project_domain: "Default",
            public_scope: "none",
            status: "available",
            ...input,
            external_access_mode: mode,
          });
        },
        view: (v) => ({
          ...v,
          network_count: [...s.networks.items.values()].filter((n) => n.vpc_id === v.id).length,
          wire_count: [...s.wires.items.values()].filter((w) => w.vpc_id === v.id).length,
        }),
      },
    ],
    [
      "wires",
      {
        collection: s.wires,
        create: (input) => {
          const vpc = s.vpcs.get(str(input.vpc_id) ?? "default");
          const zone = ref(s.zones, "zone_id", input);
          return s.base(named(input), {
            ...s.placed(),
            bandwidth: 1000,
            domain_id: "default",
            domain_src: "local",
            is_public: false,
            mtu: 1500,
            public_scope: "none",
            schedule_rank: 0,
            project_domain: "Default",
            status: "available",
            ...input,
            vpc: vpc.name,
            vpc_id: vpc.id,
            zone: zone.name,
            zone_id: zone.id,
          });
        },
        view: (w) => ({
          ...w,
          networks: [...s.networks.items.values()].filter((n) => n.wire_id === w.id).length,
        }),
      },
    ],
    [
      "networks",
      {
        collection: s.networks,
        create: (input, ctx) => {
          const wire = ref(s.wires, "wire_id", input);
          for (const k of ["guest_ip_start", "guest_ip_end", "guest_ip_mask"])
            if (input[k] === undefined && !str(input.guest_ip_prefix)) throw missingParameter(k);
          return s.base(named(input), {
            ...s.placed(),
            ...owner(ctx),
            ...NETWORK_COUNTERS,
            exit: false,
            ifname_hint: named(input).slice(0, 9),
            is_public: false,
            pending_deleted: false,
            public_scope: "none",
            server_type: "guest",
            status: "available",
            vlan_id: 1,
            ...input,
            vpc: wire.vpc,
            vpc_id: wire.vpc_id,
            wire: wire.name,
            wire_id: wire.id,
            zone: wire.zone,
            zone_id: wire.zone_id,
          });
        },
      },
    ],
    [
      "secgroups",
      {
        collection: s.secgroups,
        create: (input, ctx) => {
          const sg = s.base(named(input), {
            ...owner(ctx),
            ...SECGROUP_COUNTERS,
            is_public: false,
            is_system: false,
            pending_deleted: false,
            public_scope: "none",
            status: "ready",
            ...input,
            rules: undefined,
          });
          for (const r of (input.rules as Json[] | undefined) ?? [])
            s.secgrouprules.insert(rule(sg, r, ctx), { uniqueName: false });
          return sg;
        },
        view: (sg) => {
          const rules = rulesOf(sg);
          return {
            ...sg,
            guest_cnt: 0,
            in_rules: rules.filter((r) => r.direction === "in"),
            out_rules: rules.filter((r) => r.direction === "out"),
            rules,
          };
        },
        remove: (sg) => {
          if (sg.id === "default")
            throw new SandboxHttpError(403, "ForbiddenError", "not allow to delete default secgroup");
          for (const r of rulesOf(sg)) s.secgrouprules.remove(r.id);
          s.secgroups.remove(sg.id);
          return { ...sg, deleted: true, deleted_at: isoSeconds(now()) };
        },
      },
    ],
    [
      "secgrouprules",
      {
        collection: s.secgrouprules,
        create: (input, ctx) => rule(ref(s.secgroups, "secgroup_id", input), input, ctx),
      },
    ],
    [
      "eips",
      {
        collection: s.eips,
        create: (input, ctx) => {
          const network =
            input.network_id === undefined ? undefined : s.networks.get(String(input.network_id));
          return s.base(named(input), {
            ...s.placed(),
            ...owner(ctx),
            auto_dellocate: false,
            auto_renew: false,
            bandwidth: 10,
            billing_type: "postpaid",
            charge_type: "bandwidth",
            is_system: false,
            ip_addr: network ? nextIp(network, s) : "203.0.113.10",
            mode: "elastic_ip",
            pending_deleted: false,
            status: "ready",
            ...input,
          });
        },
      },
    ],
    [
      "serverskus",
      {
        collection: s.serverskus,
        create: (input) => s.base(named(input), { ...s.placed(), enabled: true, status: "ready", ...input }),
      },
    ],
    [
      "keypairs",
      {
        collection: s.keypairs,
        // Keypairs belong to the user who made them (recordings: an AK/SK login sees none of sysadmin's).
        filter: (k, ctx) => k.owner_id === ctx.token.userId,
        create: (input, ctx) => {
          let publicKey = str(input.public_key);
          // An imported key's scheme comes from its type; 3.10 knows RSA and DSA keys only (recordings).
          const imported = publicKey?.split(/\s+/)[0];
          const scheme = imported
            ? ({ "ssh-rsa": "RSA", "ssh-dss": "DSA" }[imported] ?? "UNKNOWN")
            : (str(input.scheme) ?? "RSA").toUpperCase();
          if (imported ? scheme === "UNKNOWN" : scheme !== "RSA")
            throw inputError(`Unsupported scheme ${scheme}`);
          let privateKey: string | undefined;
          if (!publicKey) {
            const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
            publicKey = sshPublicKey(pair.publicKey.export({ format: "jwk" }));
            privateKey = pair.privateKey.export({ format: "pem", type: "pkcs1" }).toString();
          }
          const body = publicKey.split(/\s+/)[1] ?? publicKey;
          const md5 = createHash("md5").update(Buffer.from(body, "base64")).digest("hex");
          const kp = s.base(named(input), {
            description: input.description,
            fingerprint: md5.match(/../g)!.join(":"),
            linked_guest_count: 0,
            owner_id: ctx.token.userId,
            owner_name: ctx.token.userName,
            private_key_len: privateKey?.length ?? 0,
            public_key: publicKey,
            scheme,
          });
          if (privateKey) s.privateKeys.set(kp.id, privateKey);
          return kp;
        },
      },
    ],
  ]);

  function rule(sg: Item, input: Json, ctx: Ctx): Item {
    return s.base("", {
      action: "allow",
      cidr: "0.0.0.0/0",
      direction: "in",
      ports: "",
      priority: 1,
      protocol: "any",
      ...input,
      name: undefined,
      ...owner(ctx),
      secgroup: sg.name,
      secgroup_id: sg.id,
    });
  }
}

/** The next free address of a network (for eips and server nics). */
export function nextIp(network: Item, s: ComputeState): string {
  const used = new Set(
    [...s.eips.items.values(), ...s.servers.items.values()].flatMap((i) =>
      String(i.ips ?? i.ip_addr ?? "").split(","),
    ),
  );
  const toInt = (ip: string): number => ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  const toIp = (n: number): string => [24, 16, 8, 0].map((b) => (n >>> b) & 255).join(".");
  const start = toInt(String(network.guest_ip_start ?? "10.0.0.10"));
  const end = toInt(String(network.guest_ip_end ?? "10.0.0.254"));
  for (let n = start; n <= end; n++) if (!used.has(toIp(n))) return toIp(n);
  throw new SandboxHttpError(400, "OutOfResource", `network ${String(network.name)} has no free address`);
}

/** OpenSSH's `ssh-rsa` public key line from a JWK: the type, e and n as SSH strings/mpints. */
function sshPublicKey(jwk: { n?: string; e?: string }): string {
  const part = (b: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const mpint = (b64: string): Buffer => {
    const raw = Buffer.from(b64, "base64url");
    return part(raw[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), raw]) : raw);
  };
  const blob = Buffer.concat([part(Buffer.from("ssh-rsa")), mpint(jwk.e!), mpint(jwk.n!)]);
  return `ssh-rsa ${blob.toString("base64")}\n`;
}
