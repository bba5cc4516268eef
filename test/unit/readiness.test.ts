// The peer-readiness helper of the integration suites: it waits while a process makes progress, and gives
// up, quoting the process's own log, when it exits or stalls.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { followToExit, followUntil, treeCpuTicks } from "../integration/readiness.js";

function node(script: string) {
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  return { child, log: () => out };
}

describe("followUntil / followToExit", () => {
  it("resolves once the probe sees the process ready", async () => {
    const p = node('setTimeout(() => console.log("ready on 4242"), 300); setTimeout(() => {}, 20000)');
    const port = await followUntil({ name: "peer", ...p }, async () => /ready on (\d+)/.exec(p.log())?.[1]);
    expect(port).toBe("4242");
    p.child.kill("SIGKILL");
  });

  it("rejects when the process exits first, quoting its log", async () => {
    const p = node('console.error("boom: port in use"); process.exit(3)');
    const err = await followUntil({ name: "peer", ...p }, async () => undefined).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^peer exited \(exit code 3\)/);
    expect((err as Error).message).toContain("boom: port in use");
  });

  it("rejects a process that neither computes nor prints for idleMs, and kills a stalled step", async () => {
    const p = node('console.log("starting"); setTimeout(() => {}, 60000)');
    const err = await followToExit({ name: "step", ...p, idleMs: 1_500 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^step is not ready: no CPU time or output for 1500 ms/);
    expect((err as Error).message).toContain("starting");
    await new Promise((r) =>
      p.child.exitCode !== null || p.child.signalCode !== null ? r(0) : p.child.once("exit", r),
    );
    expect(p.child.signalCode).toBe("SIGKILL");
  });

  it("followToExit resolves on exit 0 and rejects on another code with the output", async () => {
    await followToExit({ name: "ok", ...node("process.exit(0)") });
    const err = await followToExit({
      name: "db_sync",
      ...node('console.log("no such table"); process.exit(1)'),
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^db_sync failed \(exit code 1\)/);
    expect((err as Error).message).toContain("no such table");
  });

  it("counts the CPU time of a process tree", async () => {
    const p = node("const end = Date.now() + 400; while (Date.now() < end);");
    await followToExit({ name: "busy", ...p });
    expect(treeCpuTicks(process.pid)).toBeGreaterThan(0);
  });
});
