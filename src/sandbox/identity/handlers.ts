// The identity operations with state: the generic CRUD over resources.ts, the logins, and memberships,
// role grants, role assignments and the enable/disable/public/private actions.

import { crudHandlers, touch } from "../crud.js";
import { SandboxHttpError } from "../errors.js";
import { emptyJson, json, type OpHandler } from "../router.js";
import type { ApiTable, Json } from "../spec.js";
import type { Collection, Item } from "../store.js";
import { loginHandlers } from "./login.js";
import { identityResources } from "./resources.js";
import type { IdentityState } from "./state.js";
import type { TokenStore } from "./tokens.js";

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

export function identityHandlers(
  table: ApiTable,
  state: IdentityState,
  tokens: TokenStore,
  now: () => number,
): Map<string, OpHandler> {
  const s = state;
  const resources = identityResources(state, tokens);
  const out = crudHandlers(table, resources, now);
  for (const [k, v] of loginHandlers(s, tokens, now)) out.set(k, v);

  const role = (idOrName: string): Item => s.roles.get(idOrName);
  const project = (idOrName: string): Item => s.projects.get(idOrName);
  const grant = (a: { role_id: string; project_id: string; user_id?: string; group_id?: string }): void => {
    const same = s.assignments.some(
      (x) =>
        x.role_id === a.role_id &&
        x.project_id === a.project_id &&
        x.user_id === a.user_id &&
        x.group_id === a.group_id,
    );
    if (!same) s.assignments.push(a);
  };
  const ungrant = (match: (a: (typeof s.assignments)[number]) => boolean): void => {
    s.assignments.splice(0, s.assignments.length, ...s.assignments.filter((a) => !match(a)));
  };
  const listOf = (c: Collection, ids: Set<string>, query: Json): Json =>
    c.list(query, { filter: (i) => ids.has(i.id), view: (i) => s.view(c.keyword, i) });
  const flag =
    (c: Collection, param: string, fields: Json): OpHandler =>
    (ctx) => {
      const item = c.get(ctx.params[param]!);
      Object.assign(item, fields);
      touch(item, now);
      return json({ [c.keyword]: s.view(c.keyword, item) });
    };

  const more: [string, OpHandler][] = [
    ["enableUser", flag(s.users, "user_id", { enabled: true })],
    [
      "disableUser",
      (ctx) => {
        const r = flag(s.users, "user_id", { enabled: false })(ctx);
        tokens.revokeUser(s.users.get(ctx.params.user_id!).id);
        return r;
      },
    ],
    [
      "joinUserToProjects",
      (ctx) => {
        const user = s.users.get(ctx.params.user_id!);
        const input = (ctx.body?.user ?? {}) as { projects: string[]; roles: string[]; enabled?: boolean };
        const roles = input.roles.map(role);
        for (const p of input.projects.map(project))
          for (const r of roles) grant({ role_id: r.id, project_id: p.id, user_id: user.id });
        if (input.enabled) user.enabled = true;
        return json({ user: s.view("user", user) });
      },
    ],
    [
      "removeUserFromProjects",
      (ctx) => {
        const user = s.users.get(ctx.params.user_id!);
        const input = (ctx.body?.user ?? {}) as { project_roles: { project: string; role: string }[] };
        for (const pr of input.project_roles) {
          const p = project(pr.project);
          const r = role(pr.role);
          ungrant((a) => a.user_id === user.id && a.project_id === p.id && a.role_id === r.id);
        }
        return json({ user: s.view("user", user) });
      },
    ],
    [
      "listUserProjects",
      (ctx) => {
        const user = s.users.get(ctx.params.user_id!);
        const ids = new Set(s.assignments.filter((a) => a.user_id === user.id).map((a) => a.project_id));
        return json(listOf(s.projects, ids, ctx.query));
      },
    ],
    [
      "listUserGroups",
      (ctx) => {
        const user = s.users.get(ctx.params.user_id!);
        const ids = new Set([...s.groupMembers].filter(([, m]) => m.has(user.id)).map(([g]) => g));
        return json(listOf(s.groups, ids, ctx.query));
      },
    ],
    [
      "addProjectMembers",
      (ctx) => {
        const p = project(ctx.params.project_id!);
        const input = (ctx.body?.project ?? {}) as { users?: string[]; groups?: string[]; roles: string[] };
        const roles = input.roles.map(role);
        for (const r of roles) {
          for (const u of input.users ?? [])
            grant({ role_id: r.id, project_id: p.id, user_id: s.users.get(u).id });
          for (const g of input.groups ?? [])
            grant({ role_id: r.id, project_id: p.id, group_id: s.groups.get(g).id });
        }
        return json({ project: s.view("project", p) });
      },
    ],
    [
      "removeProjectMembers",
      (ctx) => {
        const p = project(ctx.params.project_id!);
        const input = (ctx.body?.project ?? {}) as { users?: string[]; groups?: string[]; roles?: string[] };
        const users = new Set((input.users ?? []).map((u) => s.users.get(u).id));
        const groups = new Set((input.groups ?? []).map((g) => s.groups.get(g).id));
        const roles = input.roles?.length ? new Set(input.roles.map((r) => role(r).id)) : undefined;
        ungrant(
          (a) =>
            a.project_id === p.id &&
            (!roles || roles.has(a.role_id)) &&
            ((a.user_id !== undefined && users.has(a.user_id)) ||
              (a.group_id !== undefined && groups.has(a.group_id))),
        );
        return json({ project: s.view("project", p) });
      },
    ],
    [
      "listProjectUsers",
      (ctx) => {
        const p = project(ctx.params.project_id!);
        const ids = new Set(
          s.assignments.filter((a) => a.project_id === p.id && a.user_id).map((a) => a.user_id!),
        );
        return json(listOf(s.users, ids, { ...ctx.query, system: "true" }));
      },
    ],
    [
      "listProjectGroups",
      (ctx) => {
        const p = project(ctx.params.project_id!);
        const ids = new Set(
          s.assignments.filter((a) => a.project_id === p.id && a.group_id).map((a) => a.group_id!),
        );
        return json(listOf(s.groups, ids, ctx.query));
      },
    ],
    [
      "listProjectUserRoles",
      (ctx) => {
        const p = project(ctx.params.project_id!);
        const u = s.users.get(ctx.params.user_id!);
        return json(listOf(s.roles, new Set(s.rolesOf(u.id, p.id)), ctx.query));
      },
    ],
    [
      "grantProjectUserRole",
      (ctx) => {
        const [p, u, r] = [
          project(ctx.params.project_id!),
          s.users.get(ctx.params.user_id!),
          role(ctx.params.role_id!),
        ];
        grant({ role_id: r.id, project_id: p.id, user_id: u.id });
        return emptyJson(200);
      },
    ],
    [
      "revokeProjectUserRole",
      (ctx) => {
        const [p, u, r] = [
          project(ctx.params.project_id!),
          s.users.get(ctx.params.user_id!),
          role(ctx.params.role_id!),
        ];
        ungrant((a) => a.project_id === p.id && a.user_id === u.id && a.role_id === r.id);
        return emptyJson(200);
      },
    ],
    [
      "listProjectGroupRoles",
      (ctx) => {
        const p = project(ctx.params.project_id!);
        const g = s.groups.get(ctx.params.group_id!);
        const ids = new Set(
          s.assignments.filter((a) => a.project_id === p.id && a.group_id === g.id).map((a) => a.role_id),
        );
        return json(listOf(s.roles, ids, ctx.query));
      },
    ],
    [
      "grantProjectGroupRole",
      (ctx) => {
        const [p, g, r] = [
          project(ctx.params.project_id!),
          s.groups.get(ctx.params.group_id!),
          role(ctx.params.role_id!),
        ];
        grant({ role_id: r.id, project_id: p.id, group_id: g.id });
        return emptyJson(200);
      },
    ],
    [
      "revokeProjectGroupRole",
      (ctx) => {
        const [p, g, r] = [
          project(ctx.params.project_id!),
          s.groups.get(ctx.params.group_id!),
          role(ctx.params.role_id!),
        ];
        ungrant((a) => a.project_id === p.id && a.group_id === g.id && a.role_id === r.id);
        return emptyJson(200);
      },
    ],
    ["makeRolePublic", flag(s.roles, "role_id", { is_public: true, public_scope: "system" })],
    ["makeRolePrivate", flag(s.roles, "role_id", { is_public: false, public_scope: "none" })],
    [
      "listGroupUsers",
      (ctx) => {
        const g = s.groups.get(ctx.params.group_id!);
        return json(listOf(s.users, s.groupMembers.get(g.id) ?? new Set(), { ...ctx.query, system: "true" }));
      },
    ],
    [
      "listGroupProjects",
      (ctx) => {
        const g = s.groups.get(ctx.params.group_id!);
        const ids = new Set(s.assignments.filter((a) => a.group_id === g.id).map((a) => a.project_id));
        return json(listOf(s.projects, ids, ctx.query));
      },
    ],
    [
      "addGroupUser",
      (ctx) => {
        const g = s.groups.get(ctx.params.group_id!);
        const u = s.users.get(ctx.params.user_id!);
        let m = s.groupMembers.get(g.id);
        if (!m) s.groupMembers.set(g.id, (m = new Set()));
        m.add(u.id);
        return emptyJson(200);
      },
    ],
    [
      "removeGroupUser",
      (ctx) => {
        const g = s.groups.get(ctx.params.group_id!);
        s.groupMembers.get(g.id)?.delete(s.users.get(ctx.params.user_id!).id);
        return emptyJson(200);
      },
    ],
    ["listRoleAssignments", (ctx) => json(roleAssignments(s, ctx.query))],
    [
      "bindPolicyRole",
      (ctx) => {
        const policy = s.policies.get(ctx.params.policy_id!);
        const input = (ctx.body?.policy ?? {}) as { project_id: string; role_id: string };
        project(input.project_id);
        const r = role(input.role_id);
        const names = new Set((r.match_policies as string[] | undefined) ?? []).add(String(policy.name));
        r.match_policies = [...names];
        r.policies = { ...(r.policies as Json | undefined), system: [...names] };
        return json({ policy: s.view("policy", policy) });
      },
    ],
    ["enablePolicy", flag(s.policies, "policy_id", { enabled: true })],
    ["disablePolicy", flag(s.policies, "policy_id", { enabled: false })],
    ["makePolicyPublic", flag(s.policies, "policy_id", { is_public: true, public_scope: "system" })],
    ["makePolicyPrivate", flag(s.policies, "policy_id", { is_public: false, public_scope: "none" })],
  ];
  for (const [k, v] of more) out.set(k, v);
  return out;
}

/** Role assignments: always `limit`, `offset` and `total`, even when 0 (the recordings). */
function roleAssignments(s: IdentityState, q: Json): Json {
  const one = (v: unknown): string | undefined => str(Array.isArray(v) ? v[0] : v);
  const user = one(q["user.id"] ?? q.user_id);
  const projectId = one(q["scope.project.id"] ?? q.project_id);
  const roleId = one(q["role.id"] ?? q.role_id);
  const ref = (c: Collection, id: string): Json => {
    const i = c.items.get(id);
    return { domain: s.domainRef(i?.domain_id), id, name: i?.name };
  };
  const all = s.assignments
    .filter(
      (a) =>
        (!user || a.user_id === user) &&
        (!projectId || a.project_id === projectId) &&
        (!roleId || a.role_id === roleId),
    )
    .map((a) => ({
      role: ref(s.roles, a.role_id),
      scope: { project: ref(s.projects, a.project_id) },
      ...(a.user_id ? { user: ref(s.users, a.user_id) } : { group: ref(s.groups, a.group_id!) }),
    }));
  const limit = Number(one(q.limit) ?? 0) || 0;
  const offset = Number(one(q.offset) ?? 0) || 0;
  const page = limit ? all.slice(offset, offset + limit) : all.slice(offset);
  if (!page && limit < 0) throw new SandboxHttpError(400, "InputParameterError", "bad limit");
  return { limit, offset, role_assignments: page, total: all.length };
}
