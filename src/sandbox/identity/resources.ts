// The identity collections' create/update/delete rules for the generic CRUD: users (passwords kept apart,
// tokens revoked on delete or disable), projects, domains, roles, groups, regions, services, endpoints,
// AK/SK credentials and policies (rules wrapped in `blob.policy`, as Cloudpods requires).

import type { Resource } from "../crud.js";
import { inputError, notFound } from "../errors.js";
import type { Ctx } from "../router.js";
import type { Json } from "../spec.js";
import type { Collection, Item } from "../store.js";
import type { IdentityState } from "./state.js";
import type { TokenStore } from "./tokens.js";

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

export function identityResources(state: IdentityState, tokens: TokenStore): Map<string, Resource> {
  const s = state;
  const plain = (collection: Collection, extra: (input: Json, ctx: Ctx) => Json = () => ({})): Resource => ({
    collection,
    create: (input, ctx) => {
      const name = str(input.name);
      if (!name) throw inputError("name: missing input field");
      return s.base(name, { ...input, ...extra(input, ctx), password: undefined });
    },
    view: (i) => s.view(collection.keyword, i),
  });

  return new Map<string, Resource>([
    [
      "users",
      {
        ...plain(s.users),
        create: (input) => {
          const name = str(input.name);
          if (!name) throw inputError("name: missing input field");
          const { password, ...rest } = input;
          const user = s.addUser(name, str(password), rest);
          s.users.remove(user.id); // crud inserts it
          return user;
        },
        update: (item, input) => {
          const { password, ...rest } = input;
          if (str(password)) s.passwords.set(item.id, String(password));
          Object.assign(item, rest, { id: item.id });
          if (item.enabled === false) tokens.revokeUser(item.id);
        },
        remove: (item) => {
          s.users.remove(item.id);
          s.passwords.delete(item.id);
          tokens.revokeUser(item.id);
          s.assignments.splice(
            0,
            s.assignments.length,
            ...s.assignments.filter((a) => a.user_id !== item.id),
          );
          return { ...item, deleted: true };
        },
      },
    ],
    ["projects", plain(s.projects, () => ({ parent_id: "default" }))],
    [
      "domains",
      {
        ...plain(s.domains, () => ({ enabled: true })),
        create: (input) => {
          const name = str(input.name);
          if (!name) throw inputError("name: missing input field");
          const { domain_id: _d, project_domain: _p, ...d } = s.base(name, { enabled: true, ...input });
          return d as Item;
        },
      },
    ],
    ["roles", plain(s.roles, () => ({ is_public: false, public_scope: "none" }))],
    ["groups", plain(s.groups)],
    [
      "regions",
      {
        collection: s.regions,
        create: (input) => {
          const id = str(input.id) ?? str(input.name);
          if (!id) throw inputError("id: missing input field");
          return { ...s.base(id), ...input, id, name: id };
        },
      },
    ],
    ["services", plain(s.services, () => ({ config_version: 0, enabled: true }))],
    [
      "endpoints",
      {
        collection: s.endpoints,
        create: (input) => {
          const service = s.services.get(String(input.service_id ?? input.service));
          if (!s.regions.find(String(input.region_id))) throw notFound("region", String(input.region_id));
          return s.base(str(input.name) ?? `${String(service.type)}-${String(input.interface)}`, {
            enabled: true,
            ...input,
            public_key_bit_len: 0,
            service_id: service.id,
            service_name: service.name,
            service_type: service.type,
          });
        },
      },
    ],
    [
      "credentials",
      {
        collection: s.credentials,
        create: (input, ctx) => {
          const user = s.users.get(str(input.user_id) ?? ctx.token.userId);
          if (input.type === "aksk") {
            let blob: Json;
            try {
              blob = JSON.parse(String(input.blob)) as Json;
            } catch {
              throw inputError("blob: invalid json");
            }
            if (!str(blob.secret)) throw inputError("blob: missing secret");
          }
          const project = str(input.project_id) ?? ctx.token.projectId;
          return s.base(str(input.name) ?? `${String(input.type)}-${project ?? ""}-${String(user.name)}`, {
            ...input,
            domain: "Default",
            enabled: true,
            project_id: project,
            user: user.name,
            user_id: user.id,
            project_domain: undefined,
          });
        },
      },
    ],
    [
      "policies",
      {
        ...plain(s.policies, (input) => {
          // Cloudpods wants the rules wrapped: blob {"policy": {...}}.
          if (typeof (input.blob as Json | undefined)?.policy !== "object")
            throw inputError("fail to decode policy data");
          return {
            enabled: true,
            is_public: false,
            is_system: false,
            public_scope: "none",
            scope: input.scope ?? "project",
          };
        }),
      },
    ],
  ]);
}
