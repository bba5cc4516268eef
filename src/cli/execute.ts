// Runs one spec command: send the request through the library's session, page through lists (`--all` via
// paginate), wait when asked, and render the answer.

import { errorFields } from "../errorbody.js";
import type { ReadableStream as WebReadable } from "node:stream/web";
import type { Cloudpods } from "../client.js";
import { HttpError } from "../errors.js";
import { paginate, type PageResult } from "../paginate.js";
import { renderList, renderObject, unwrap, type OutputFormat } from "./output.js";
import type { ApiCall } from "./program.js";
import { buildRequest, callParts } from "./request.js";
import { usageError } from "./usage.js";
import { waitFor, waitTarget } from "./wait.js";

export interface ExecIo {
  writeOut(s: string): void;
  writeErr(s: string): void;
  width: number;
  stderrTty: boolean;
  stdoutTty: boolean;
  /** Bytes to stdout, resolving once they are taken (back-pressure). */
  writeBytes(chunk: Uint8Array): Promise<void>;
  waitIntervalMs: number;
}

async function readJson(res: Response): Promise<{ data: unknown; text: string }> {
  const text = await res.text();
  if (text.trim() === "") return { data: undefined, text };
  try {
    return { data: JSON.parse(text) as unknown, text };
  } catch {
    return { data: text, text };
  }
}

async function httpError(req: Request, res: Response, text: string, cp: Cloudpods): Promise<HttpError> {
  return new HttpError({
    ...errorFields(res, text, cp.auth.secrets()),
    method: req.method,
    url: res.url || req.url,
  });
}

/** A HEAD answer's fields: Glance's `x-image-meta-*` headers without the prefix, else every header. */
export function headerFields(headers: Headers): Record<string, string> {
  const all = [...headers.entries()];
  const meta = all.filter(([k]) => /^x-[a-z]+-meta-/.test(k));
  return Object.fromEntries(
    meta.length > 0 ? meta.map(([k, v]) => [k.replace(/^x-[a-z]+-meta-/, "").replace(/-/g, "_"), v]) : all,
  );
}

async function saveBytes(res: Response, save: string | undefined, io: ExecIo): Promise<void> {
  if (save === undefined && io.stdoutTty) {
    await res.body?.cancel();
    throw usageError("the answer is binary: give --save <path>, or pipe stdout");
  }
  if (!res.body) return;
  const { Readable } = await import("node:stream");
  const source = Readable.fromWeb(res.body as WebReadable<Uint8Array>);
  if (save === undefined) {
    for await (const chunk of source) await io.writeBytes(chunk as Uint8Array);
    return;
  }
  const { pipeline } = await import("node:stream/promises");
  const { createWriteStream } = await import("node:fs");
  await pipeline(source, createWriteStream(save));
}

export async function execute(cp: Cloudpods, call: ApiCall, format: OutputFormat, io: ExecIo): Promise<void> {
  const { cmd } = call;
  const send = cp.fetchFor(cmd.serviceType);
  const parts = callParts(cmd, call);

  if (cmd.listKey !== undefined && call.all) {
    const getPage = async (query: Record<string, unknown>): Promise<PageResult> => {
      const res = await send(buildRequest(cmd.method, parts, query));
      const { data, text } = await readJson(res);
      return res.ok ? { data, response: res } : { error: text, response: res };
    };
    const items: unknown[] = [];
    const pages = paginate<unknown>(getPage, cmd.listKey, parts.query, {
      label: cmd.path,
      secrets: () => cp.auth.secrets(),
    });
    for await (const item of pages) items.push(item);
    io.writeOut(await renderList(items, { format, width: io.width }));
    return;
  }

  const req = buildRequest(cmd.method, parts);
  // The transport refuses a non-JSON 2xx unless bytes were asked for.
  if (cmd.shape().download) req.headers.set("Accept", "application/octet-stream");
  const res = await send(req.clone());
  if (res.ok && cmd.shape().download) {
    await saveBytes(res, call.save, io);
    return;
  }
  const { data, text } = await readJson(res);
  if (!res.ok) throw await httpError(req, res, text, cp);
  if (cmd.method === "HEAD") {
    io.writeOut(await renderObject(headerFields(res.headers), { format, width: io.width }));
    return;
  }

  if (cmd.listKey !== undefined) {
    const env = (data ?? {}) as Record<string, unknown>;
    const items = Array.isArray(env[cmd.listKey]) ? (env[cmd.listKey] as unknown[]) : [];
    const total = typeof env.total === "number" ? env.total : undefined;
    io.writeOut(await renderList(items, { format, width: io.width, total }));
    return;
  }

  let shown = unwrap(data);
  const target = call.wait ? waitTarget(cmd) : undefined;
  if (target !== undefined) {
    const obj = shown as Record<string, unknown> | undefined;
    const id = call.pathArgs[0] ?? (typeof obj?.id === "string" ? obj.id : undefined);
    if (id !== undefined) {
      const collection = cmd.path.split("/")[1] ?? "";
      const showPath = `/${collection}/${encodeURIComponent(id)}`;
      const poll = async (signal: AbortSignal) => {
        const get = buildRequest("GET", { path: showPath, query: {}, headers: {}, body: undefined });
        const r = await send(new Request(get, { signal }));
        const { data: d, text: t } = await readJson(r);
        return r.ok ? { data: d, response: r } : { error: t, response: r };
      };
      const final = await waitFor(target, poll, {
        label: `${cmd.name.slice(0, cmd.name.lastIndexOf("-"))} ${id}`,
        timeoutMs: call.waitTimeoutS * 1000,
        intervalMs: io.waitIntervalMs,
        tty: io.stderrTty,
        write: io.writeErr,
        secrets: () => cp.auth.secrets(),
      });
      if (final !== undefined) shown = unwrap(final);
    }
  }
  if (shown === undefined) return;
  io.writeOut(await renderObject(shown, { format, width: io.width }));
}
