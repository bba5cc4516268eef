import { describe, expect, it } from "vitest";
import { waitFor, waitTarget } from "../../../src/cli/wait.js";

const answers = (...bodies: (object | 404)[]) => {
  let i = 0;
  return async () => {
    const b = bodies[Math.min(i++, bodies.length - 1)]!;
    return b === 404
      ? { error: '{"class":"ResourceNotFoundError"}', response: new Response(null, { status: 404 }) }
      : { data: b, response: new Response(null, { status: 200 }) };
  };
};
const common = { label: "server a", timeoutMs: 5_000, intervalMs: 1, secrets: () => [] };

describe("cli --wait", () => {
  it("offers --wait on create/start/stop/delete of a collection item only", () => {
    expect(waitTarget({ name: "server-create", path: "/servers" })?.statuses).toContain("running");
    expect(waitTarget({ name: "server-stop", path: "/servers/{id}/stop" })?.statuses).toEqual(["ready"]);
    expect(waitTarget({ name: "server-delete", path: "/servers/{id}" })?.gone).toBe(true);
    expect(waitTarget({ name: "server-reset", path: "/servers/{id}/reset" })).toBeUndefined();
    expect(
      waitTarget({ name: "project-remove-user", path: "/projects/{p}/users/{u}/roles/{r}" }),
    ).toBeUndefined();
  });

  it("rewrites one progress line on a TTY and ends it with a newline", async () => {
    const out: string[] = [];
    const poll = answers(
      { server: { status: "starting" } },
      { server: { status: "starting" } },
      { server: { status: "running" } },
    );
    const final = await waitFor({ statuses: ["running"], gone: false }, poll, {
      ...common,
      tty: true,
      write: (s) => out.push(s),
    });
    expect(final).toEqual({ status: "running" });
    expect(out.every((s) => s.startsWith("\r\x1b[Kserver a: "))).toBe(true);
    expect(out.at(-1)).toMatch(/running \(\d+s\)\n$/);
    expect(out.slice(0, -1).every((s) => !s.endsWith("\n"))).toBe(true);
  });

  it("prints one plain line per status change otherwise; delete waits for the 404", async () => {
    const out: string[] = [];
    const poll = answers({ server: { status: "deleting" } }, { server: { status: "deleting" } }, 404);
    await waitFor({ statuses: [], gone: true }, poll, { ...common, tty: false, write: (s) => out.push(s) });
    expect(out).toEqual(["server a: deleting\n", "server a: deleted\n"]);
  });

  it("a *_fail status rejects, and the TTY line is ended first", async () => {
    const out: string[] = [];
    const poll = answers({ server: { status: "starting" } }, { server: { status: "start_fail" } });
    await expect(
      waitFor({ statuses: ["running"], gone: false }, poll, {
        ...common,
        tty: true,
        write: (s) => out.push(s),
      }),
    ).rejects.toThrow(/start_fail/);
    expect(out.at(-1)).toBe("\n");
  });
});
