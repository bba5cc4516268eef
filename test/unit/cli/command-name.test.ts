import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commandName, resourceName } from "../../../src/cli/command-name.js";

interface Manifest {
  outputs: Record<string, { api: string }>;
}
type Index = Record<string, { method: string; path: string }>;

const root = new URL("../../../", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("generated/manifest.json", root), "utf8")) as Manifest;
const files = Object.keys(manifest.outputs).filter((f) => f.endsWith(".ts"));

async function operationsOf(file: string): Promise<Index> {
  const mod = (await import(new URL(file, root).href)) as { operations: Index };
  return mod.operations;
}

describe("commandName: every operation of every spec", () => {
  it.each(files)("%s: names are unique, climc-shaped and stable", async (file) => {
    const ops = await operationsOf(file);
    const byName = new Map<string, string>();
    for (const [operationId, { method, path }] of Object.entries(ops)) {
      const name = commandName({ method, path, operationId });
      expect(name, operationId).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(byName.get(name), `${name}: ${operationId} and ${byName.get(name)}`).toBeUndefined();
      byName.set(name, operationId);
    }
    expect(byName.size).toBe(Object.keys(ops).length);
    expect(byName.size).toBeGreaterThan(0);
  });
});

describe("commandName: climc's spellings", () => {
  const name = (method: string, path: string, operationId = "x") =>
    commandName({ method, path, operationId });
  it("names CRUD after the singular collection", () => {
    expect(name("get", "/servers", "listServers")).toBe("server-list");
    expect(name("get", "/servers/{id}")).toBe("server-show");
    expect(name("post", "/servers")).toBe("server-create");
    expect(name("put", "/servers/{id}")).toBe("server-update");
    expect(name("patch", "/servers/{id}")).toBe("server-update");
    expect(name("delete", "/servers/{id}")).toBe("server-delete");
    expect(name("get", "/policies", "listPolicies")).toBe("policy-list");
    expect(name("get", "/role_assignments", "listRoleAssignments")).toBe("role-assignment-list");
    expect(name("get", "/secgrouprules")).toBe("secgroup-rule-list");
    expect(name("get", "/cloudregions")).toBe("cloud-region-list");
    expect(name("get", "/serverskus/{id}")).toBe("server-sku-show");
  });
  it("names actions <resource>-<action> with hyphens", () => {
    expect(name("post", "/servers/{id}/change-config")).toBe("server-change-config");
    expect(name("post", "/servers/{id}/start")).toBe("server-start");
    expect(name("post", "/eips/{id}/associate")).toBe("eip-associate");
    expect(name("post", "/servers/{id}/attachdisk")).toBe("server-attach-disk");
    expect(name("post", "/things/{id}/do_it")).toBe("thing-do-it");
    expect(name("get", "/keypairs/{id}/privatekey", "getKeypairPrivateKey")).toBe("keypair-privatekey");
  });
  it("names nested resources like climc", () => {
    expect(name("get", "/groups/{group_id}/users", "listGroupUsers")).toBe("group-user-list");
    expect(name("put", "/groups/{group_id}/users/{user_id}")).toBe("group-add-user");
    expect(name("delete", "/groups/{group_id}/users/{user_id}")).toBe("group-remove-user");
    expect(name("put", "/projects/{p}/users/{u}/roles/{r}")).toBe("project-add-user");
    expect(name("delete", "/projects/{p}/groups/{g}/roles/{r}")).toBe("project-remove-group");
    expect(name("get", "/projects/{p}/users/{u}/roles", "listProjectUserRoles")).toBe("project-user-roles");
    expect(name("post", "/users/{user_id}/join", "joinUserToProjects")).toBe("user-join-project");
  });
  it("names glance-style items: HEAD is show, a download GET is download", () => {
    expect(name("head", "/images/{id}", "headImage")).toBe("image-show");
    expect(name("get", "/images/{id}", "downloadImage")).toBe("image-download");
  });
  it("singularizes", () => {
    expect(resourceName("addresses")).toBe("address");
    expect(resourceName("componentstatuses")).toBe("componentstatus");
    expect(resourceName("dns_zones")).toBe("dns-zone");
  });
});
