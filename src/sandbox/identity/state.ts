// Keystone's objects in memory, seeded with what a fresh Cloudpods has: the Default domain, the `system`
// project, the `sysadmin` account with the admin role, a demo user and project, and the sysadmin policy.
// Services, endpoints and regions are seeded by the sandbox once its listeners have ports (catalog.ts).

import { Collection, newId, type Item } from "../store.js";
import { isoSeconds } from "../time.js";
import type { Json } from "../spec.js";

export interface Assignment {
  role_id: string;
  project_id: string;
  user_id?: string;
  group_id?: string;
}

export interface AdminAccount {
  username: string;
  password: string;
  domain: string;
  project: string;
}

const keystone = (
  keyword: string,
  plural: string,
  extra: Partial<ConstructorParameters<typeof Collection>[0]> = {},
) => new Collection({ keyword, plural, idStyle: "hex", ...extra });

export class IdentityState {
  readonly domains = keystone("domain", "domains");
  readonly projects = keystone("project", "projects");
  // GET /users hides system accounts (sysadmin, service users) unless `system=true`.
  readonly users = keystone("user", "users", {
    hidden: (u, q) => u.is_system_account === true && String(q.system) !== "true",
  });
  readonly roles = keystone("role", "roles");
  readonly groups = keystone("group", "groups");
  readonly credentials = keystone("credential", "credentials");
  readonly services = keystone("service", "services");
  readonly endpoints = keystone("endpoint", "endpoints");
  readonly regions = keystone("region", "regions");
  readonly policies = keystone("policy", "policies");
  readonly assignments: Assignment[] = [];
  readonly groupMembers = new Map<string, Set<string>>();
  /** User id → password. Never in any body. */
  readonly passwords = new Map<string, string>();

  constructor(
    private readonly now: () => number,
    readonly admin: AdminAccount,
  ) {
    this.seed();
  }

  /** The columns every keystone object has. */
  base(name: string, extra: Json = {}): Item {
    const t = isoSeconds(this.now());
    return {
      can_delete: true,
      can_update: true,
      created_at: t,
      deleted: false,
      domain_id: "default",
      id: newId("hex"),
      is_emulated: false,
      name,
      project_domain: "Default",
      update_version: 0,
      updated_at: t,
      ...extra,
    } as Item;
  }

  private seed(): void {
    const t = isoSeconds(this.now());
    this.domains.insert({
      can_delete: false,
      can_update: false,
      created_at: t,
      deleted: false,
      description: "The default domain",
      enabled: true,
      id: "default",
      is_emulated: false,
      name: "Default",
      update_version: 0,
      updated_at: t,
    });
    const system = this.projects.insert(
      this.base(this.admin.project, {
        can_delete: false,
        description: "Boostrap system default admin project",
        parent_id: "default",
      }),
    );
    const demo = this.projects.insert(
      this.base("demo", { description: "A project for tests", parent_id: "default" }),
    );
    const admin = this.roles.insert(
      this.base("admin", {
        can_delete: false,
        description: "Boostrap system default admin role",
        is_public: true,
        match_policies: ["sysadmin"],
        policies: { system: ["sysadmin"] },
        public_scope: "system",
      }),
    );
    const member = this.roles.insert(
      this.base("member", { description: "Project member", is_public: true, public_scope: "system" }),
    );
    const sysadmin = this.addUser(this.admin.username, this.admin.password, { is_system_account: true });
    const demoUser = this.addUser("demo", "Demo@Sandbox123", {});
    this.assignments.push(
      { role_id: admin.id, project_id: system.id, user_id: sysadmin.id },
      { role_id: member.id, project_id: demo.id, user_id: demoUser.id },
    );
    this.policies.insert(
      this.base("sysadmin", {
        blob: { policy: { "*": "allow" } },
        can_delete: false,
        enabled: true,
        is_public: true,
        is_system: true,
        public_scope: "system",
        scope: "system",
        type: "sysadmin",
      }),
    );
  }

  addUser(name: string, password: string | undefined, extra: Json): Item {
    const user = this.users.insert(
      this.base(name, {
        allow_web_console: true,
        enable_mfa: false,
        enabled: true,
        failed_auth_count: 0,
        is_local: true,
        is_system_account: false,
        lang: "zh-CN",
        need_reset_password: false,
        ...extra,
      }),
    );
    if (password !== undefined) this.passwords.set(user.id, password);
    return user;
  }

  /** Role ids a user holds in a project, directly or through a group. */
  rolesOf(userId: string, projectId: string): string[] {
    const groups = [...this.groupMembers].filter(([, m]) => m.has(userId)).map(([g]) => g);
    return [
      ...new Set(
        this.assignments
          .filter(
            (a) =>
              a.project_id === projectId &&
              (a.user_id === userId || (a.group_id !== undefined && groups.includes(a.group_id))),
          )
          .map((a) => a.role_id),
      ),
    ];
  }

  domainRef(domainId: unknown): Json {
    const d = this.domains.find(String(domainId ?? "default"));
    return { id: d?.id ?? "default", name: d?.name ?? "Default" };
  }

  /** Computed counts, as keystone's details add them. */
  view(keyword: string, item: Item): Item {
    const a = this.assignments;
    switch (keyword) {
      case "user":
        return {
          ...item,
          credential_count: [...this.credentials.items.values()].filter((c) => c.user_id === item.id).length,
          group_count: [...this.groupMembers.values()].filter((m) => m.has(item.id)).length,
          project_count: new Set(a.filter((x) => x.user_id === item.id).map((x) => x.project_id)).size,
        };
      case "project":
        return {
          ...item,
          is_domain: false,
          group_count: new Set(a.filter((x) => x.project_id === item.id && x.group_id).map((x) => x.group_id))
            .size,
          user_count: new Set(a.filter((x) => x.project_id === item.id && x.user_id).map((x) => x.user_id))
            .size,
        };
      case "role":
        return {
          ...item,
          group_count: a.filter((x) => x.role_id === item.id && x.group_id).length,
          project_count: new Set(a.filter((x) => x.role_id === item.id).map((x) => x.project_id)).size,
          user_count: new Set(a.filter((x) => x.role_id === item.id && x.user_id).map((x) => x.user_id)).size,
        };
      case "group":
        return {
          ...item,
          project_count: new Set(a.filter((x) => x.group_id === item.id).map((x) => x.project_id)).size,
          user_count: this.groupMembers.get(item.id)?.size ?? 0,
        };
      case "domain":
        return {
          ...item,
          group_count: this.groups.items.size,
          idp_count: 0,
          policy_count: this.policies.items.size,
          project_count: this.projects.items.size,
          role_count: this.roles.items.size,
          user_count: this.users.items.size,
        };
      case "service":
        return {
          ...item,
          endpoint_count: [...this.endpoints.items.values()].filter((e) => e.service_id === item.id).length,
        };
      default:
        return item;
    }
  }
}
