// climc-style command names for spec operations: `<resource>-list|show|create|update|delete` and
// `<resource>-<action>`. Pure (no spec or fs access) so the docs generator can print the same names the bin
// accepts.

export interface OperationRef {
  method: string;
  path: string;
  operationId: string;
}

// climc's resource keywords where they are not the plain singular of the collection segment (climc splits
// compound keywords with hyphens: `cloud-region-list`, `server-sku-list`, `secgroup-rule-list`).
const RESOURCES: Readonly<Record<string, string>> = {
  cloudregions: "cloud-region",
  serverskus: "server-sku",
  secgrouprules: "secgroup-rule",
  policies: "policy",
  tokens: "token",
};

// climc's spelling of action segments that the API writes as one word (`server-attach-disk`).
const ACTIONS: Readonly<Record<string, string>> = {
  attachdisk: "attach-disk",
  detachdisk: "detach-disk",
  attachnetwork: "attach-network",
  detachnetwork: "detach-network",
};

// Operations whose climc name no path rule yields: climc names them after what they do, not their URL.
const CLIMC_NAMES: Readonly<Record<string, string>> = {
  authenticate: "token-create",
  validateToken: "token-show",
  revokeToken: "token-delete",
  joinUserToProjects: "user-join-project",
  removeUserFromProjects: "user-leave-project",
  addProjectMembers: "project-add-user-group",
  removeProjectMembers: "project-remove-user-group",
  listProjectUserRoles: "project-user-roles",
  listProjectGroupRoles: "project-group-roles",
};

const hyphens = (s: string): string => s.replace(/_/g, "-");

/** `servers` → `server`, `policies` → `policy`, `role_assignments` → `role-assignment`. */
export function resourceName(segment: string): string {
  const known = RESOURCES[segment];
  if (known !== undefined) return known;
  const singular = segment.endsWith("ies")
    ? `${segment.slice(0, -3)}y`
    : segment.endsWith("sses") || segment.endsWith("uses")
      ? segment.slice(0, -2)
      : segment.endsWith("s")
        ? segment.slice(0, -1)
        : segment;
  return hyphens(singular);
}

const isParam = (segment: string): boolean => segment.startsWith("{") && segment.endsWith("}");

/** The climc-style command for one operation; unique per service for the specs in `specs/`. */
export function commandName(op: OperationRef): string {
  const fixed = CLIMC_NAMES[op.operationId];
  if (fixed !== undefined) return fixed;
  const method = op.method.toLowerCase();
  const segments = op.path.split("/").filter((s) => s !== "");
  // Literal prefixes before the first collection (`/auth/tokens`) carry no resource of their own.
  const literals = segments.filter((s) => !isParam(s));
  const params = segments.length - literals.length;
  const first = literals[0];
  if (first === undefined) return hyphens(op.operationId);
  const parent = resourceName(first);
  const endsWithParam = isParam(segments[segments.length - 1] ?? "");

  if (literals.length === 1 || params === 0) {
    const res = resourceName(literals[literals.length - 1] ?? first);
    if (!endsWithParam) return `${res}-${method === "get" ? "list" : method === "post" ? "create" : method}`;
    // Glance-style items: GET streams the bytes (climc's image-download), HEAD carries the fields.
    if (method === "get" && op.operationId.startsWith("download")) return `${res}-download`;
    if (method === "get" || method === "head") return `${res}-show`;
    if (method === "put" || method === "patch") return `${res}-update`;
    return `${res}-${method}`;
  }

  const child = literals[1] ?? "";
  if (literals.length === 2 && !endsWithParam) {
    // `/servers/{id}/start`: an action; a GET sub-collection is climc's `group-user-list`.
    if (method === "get" && op.operationId.startsWith("list")) return `${parent}-${resourceName(child)}-list`;
    return `${parent}-${hyphens(ACTIONS[child] ?? child)}`;
  }
  // `/groups/{g}/users/{u}` and `/projects/{p}/users/{u}/roles/{r}`: climc's project-add-user /
  // project-remove-user, the last segment (the role) being one more positional argument.
  const verb = method === "put" ? "add" : method === "delete" ? "remove" : method === "get" ? "has" : method;
  if (endsWithParam) return `${parent}-${verb}-${resourceName(child)}`;
  return `${parent}-${literals.slice(1).map(resourceName).join("-")}-list`;
}
