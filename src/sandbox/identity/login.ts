// POST/GET/DELETE /auth/tokens: password, token and AK/SK logins with the answers Cloudpods gives (the only
// 401s of the API), token validation and revocation. AK/SK is checked as keystone does (cloudpods-auth.md
// §1.6): the credential by `access_key`, the signing key from its secret, `location` and the date of
// `sign_date`, and the HMAC of `request` compared with `signature`. Nothing else is checked, like keystone.

import { createHmac, timingSafeEqual } from "node:crypto";
import { signingKeys } from "../../auth/aksk.js";
import { SandboxHttpError, forbidden, inputError, unauthorized } from "../errors.js";
import { json, type Ctx, type OpHandler } from "../router.js";
import type { SandboxReply } from "../http.js";
import { buildCatalog } from "../catalog.js";
import type { Json } from "../spec.js";
import type { Item } from "../store.js";
import type { IdentityState } from "./state.js";
import { tokenTimes, type Token, type TokenStore } from "./tokens.js";

const obj = (v: unknown): Json => (typeof v === "object" && v !== null ? (v as Json) : {});

export function loginHandlers(
  state: IdentityState,
  tokens: TokenStore,
  now: () => number,
): Map<string, OpHandler> {
  const findUser = (u: Json): Item | undefined => {
    if (typeof u.id === "string") return state.users.items.get(u.id);
    const domain = obj(u.domain);
    const domainId =
      typeof domain.id === "string" ? domain.id : state.domains.find(String(domain.name ?? "Default"))?.id;
    return [...state.users.items.values()].find(
      (x) => x.name === u.name && x.domain_id === (domainId ?? "default"),
    );
  };

  const resolveProject = (scope: Json): Item | undefined => {
    const p = obj(scope.project);
    if (typeof p.id === "string") return state.projects.items.get(p.id);
    const d = obj(p.domain);
    const domainId = typeof d.id === "string" ? d.id : state.domains.find(String(d.name ?? "Default"))?.id;
    return [...state.projects.items.values()].find((x) => x.name === p.name && x.domain_id === domainId);
  };

  async function verifyAksk(
    raw: unknown,
  ): Promise<{ user: Item; projectId: string; cred: Item; secret: string }> {
    let req: Json;
    try {
      req = JSON.parse(String(raw)) as Json;
    } catch {
      throw unauthorized("authUserByAccessKeyV3: s3auth.Decode: invalid access_key_secret");
    }
    if (req.algorithm !== "AWS4-HMAC-SHA256")
      throw unauthorized(`authUserByAccessKeyV3: unsupported sign algorithm ${String(req.algorithm)}`);
    const cred = state.credentials.items.get(String(req.access_key));
    if (!cred || cred.type !== "aksk")
      throw unauthorized("authUserByAccessKeyV3: [auth] invalid access key id");
    if (cred.enabled === false) throw unauthorized("authUserByAccessKeyV3: Access Key disabled");
    const blob = JSON.parse(String(cred.blob)) as { secret: string; expire?: number };
    if (blob.expire && blob.expire * 1000 <= now())
      throw unauthorized("authUserByAccessKeyV3: [auth] expired access key");
    const signDate = new Date(String(req.sign_date));
    if (Number.isNaN(signDate.getTime())) throw unauthorized("authUserByAccessKeyV3: invalid sign_date");
    const ymd = signDate.toISOString().slice(0, 10).replace(/-/g, "");
    const key = (await signingKeys(blob.secret, ymd, String(req.location ?? "")))[3]!;
    const expected = createHmac("sha256", Buffer.from(key))
      .update(String(req.request ?? ""))
      .digest();
    const given = Buffer.from(String(req.signature ?? ""), "hex");
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw unauthorized("authUserByAccessKeyV3: Verify: signature mismatch");
    const user = state.users.items.get(String(cred.user_id));
    if (!user) throw unauthorized("authUserByAccessKeyV3: [auth] user not found");
    return { user, projectId: String(cred.project_id), cred, secret: blob.secret };
  }

  const body = (t: Token): Json => {
    const user = state.users.items.get(t.userId)!;
    const token: Json = {
      access_key: t.accessKey ?? { expire: 0 },
      audit_ids: t.auditIds,
      context: { ip: "127.0.0.1", source: t.source },
      ...tokenTimes(t),
      is_domain: false,
      methods: t.methods,
      user: { domain: state.domainRef(user.domain_id), id: user.id, name: user.name },
    };
    if (t.projectId) {
      const project = state.projects.items.get(t.projectId)!;
      const roles = state.rolesOf(t.userId, t.projectId).map((id) => state.roles.items.get(id)!);
      const catalog = buildCatalog(state);
      if (catalog.length) token.catalog = catalog;
      const policies = roles.flatMap((r) => (r.match_policies as string[] | undefined) ?? []);
      if (policies.length) token.policies = { system: policies };
      token.project = { domain: state.domainRef(project.domain_id), id: project.id, name: project.name };
      token.roles = roles.map((r) => ({ id: r.id, name: r.name }));
    }
    return { id: t.id, token };
  };

  const issued = (t: Token): SandboxReply => json(body(t), 200, { "x-subject-token": t.id });

  async function authenticate(ctx: Ctx): Promise<SandboxReply> {
    const auth = obj(ctx.body?.auth);
    const identity = obj(auth.identity);
    const methods = (identity.methods as string[] | undefined) ?? [];
    const source = String(obj(auth.context).source ?? "api") || "api";
    const scope = obj(auth.scope);
    let user: Item;
    let projectId: string | undefined;
    let auditIds = ["1"];
    let accessKey: Token["accessKey"];
    if (methods.includes("aksk")) {
      const v = await verifyAksk(identity.access_key_secret);
      user = v.user;
      projectId = v.projectId; // keystone forces the credential's project
      auditIds = [v.cred.id];
      accessKey = { access_key: v.cred.id, expire: 0, secret: v.secret };
    } else if (methods.includes("token")) {
      const old = tokens.valid(String(obj(identity.token).id ?? ""));
      if (!old)
        throw unauthorized(
          "authUserByTokenV3: token.TokenStrDecode: token not found: [auth] token not found",
        );
      user = state.users.items.get(old.userId)!;
      auditIds = [old.id];
    } else if (methods.includes("password")) {
      const pw = obj(obj(identity.password).user);
      const found = findUser(pw);
      if (!found) throw new SandboxHttpError(404, "UserNotFound", "idp: UserNotFound");
      if (state.passwords.get(found.id) !== pw.password)
        throw new SandboxHttpError(
          401,
          "WrongPassword",
          "Authenticate: usrExt.VerifyPassword: WrongPassword",
        );
      if (found.enabled === false) throw new SandboxHttpError(423, "UserDisabled", "user disabled");
      user = found;
    } else {
      throw inputError("auth.identity.methods: one of password, token or aksk is required");
    }
    if (!methods.includes("aksk") && scope.project !== undefined) {
      const project = resolveProject(scope);
      const label = String(obj(scope.project).name ?? obj(scope.project).id ?? "");
      if (!project || state.rolesOf(user.id, project.id).length === 0)
        throw unauthorized(`getTokenV3: project ${JSON.stringify(label)}: [auth] user not in project`);
      projectId = project.id;
    } else if (!methods.includes("aksk") && scope.domain !== undefined) {
      // No domain-level role assignments exist in the sandbox, as in the recordings: keystone refuses.
      const d = obj(scope.domain);
      throw unauthorized(
        `getTokenV3: domain ${JSON.stringify(String(d.name ?? d.id ?? ""))}: [auth] user not in project`,
      );
    }
    return issued(
      tokens.issue({
        userId: user.id,
        userName: String(user.name),
        projectId,
        methods,
        auditIds,
        source,
        accessKey,
      }),
    );
  }

  const subject = (ctx: Ctx): Token => {
    const t = tokens.valid(ctx.req.headers["x-subject-token"]);
    if (!t) throw new SandboxHttpError(404, "NotFoundError", "token not found");
    return t;
  };

  return new Map<string, OpHandler>([
    ["authenticate", authenticate],
    [
      "validateToken",
      (ctx) => {
        const t = subject(ctx);
        const { token } = body(t);
        return json({ token }, 200, { "x-subject-token": t.id });
      },
    ],
    [
      "revokeToken",
      (ctx) => {
        const t = subject(ctx);
        if (t.userId !== ctx.token.userId && ctx.token.projectId === undefined)
          throw forbidden("not enough privilege");
        tokens.revoke(t.id);
        return { status: 204 };
      },
    ],
  ]);
}
