// climc's credential-create-aksk / credential-get-aksk on the library's access-key helpers
// (cp.createAccessKey / cp.listAccessKeys): the secret is printed by create, and by get only when asked.

import { Option } from "commander";
import type { Cloudpods } from "../client.js";
import { renderList, renderObject, type RenderOptions } from "./output.js";
import { usageError } from "./usage.js";

export const AKSK_COMMANDS = [
  {
    name: "credential-create-aksk",
    summary:
      "Create an access key and secret for the token's user and project (the secret is shown this once)",
    options: [
      new Option("--name <name>", "credential name"),
      new Option("--expire <date>", "when the key stops working (ISO date); default never"),
    ],
  },
  {
    name: "credential-get-aksk",
    summary: "List the access keys of the token's user (secrets shown as *** unless --show-secret)",
    options: [new Option("--show-secret", "print the secrets too")],
  },
];

const iso = (d: Date | undefined): string | undefined => d?.toISOString();

export async function runAksk(
  cp: Cloudpods,
  name: string,
  opts: Record<string, unknown>,
  render: RenderOptions,
): Promise<string> {
  if (name === "credential-create-aksk") {
    let expire: Date | undefined;
    if (typeof opts.expire === "string") {
      expire = new Date(opts.expire);
      if (Number.isNaN(expire.getTime())) throw usageError(`--expire ${opts.expire}: not a date`);
    }
    const k = await cp.createAccessKey({
      ...(typeof opts.name === "string" ? { name: opts.name } : {}),
      ...(expire ? { expire } : {}),
    });
    return renderObject(
      {
        access_key: k.accessKey,
        secret: k.secret,
        project_id: k.projectId,
        expire: iso(k.expire),
        created_at: iso(k.createdAt),
      },
      render,
    );
  }
  const show = opts.showSecret === true;
  const keys = await cp.listAccessKeys({ withSecret: show });
  const rows = keys.map((k) => ({
    access_key: k.accessKey,
    secret: show ? (k.secret ?? "") : "***",
    name: k.name,
    project_id: k.projectId,
    enabled: k.enabled,
    expire: iso(k.expire) ?? "never",
    created_at: iso(k.createdAt),
  }));
  return renderList(rows, render);
}
