// Runs a Node CLI of a dev dependency (redocly, typedoc) as a child process, bounded in time, its output
// captured for the error message.
import { spawn } from "node:child_process";

const TIMEOUT_MS = 180_000;

export async function runNode(args: string[], cwd?: string): Promise<{ code: number; output: string }> {
  // Telemetry and the update check would reach the internet; colours would garble captured messages.
  const env = {
    ...process.env,
    REDOCLY_TELEMETRY: "off",
    REDOCLY_SUPPRESS_NOTIFICATIONS: "true",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  };
  const child = spawn(process.execPath, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill(), TIMEOUT_MS);
  const code = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve(status ?? 1));
  }).finally(() => clearTimeout(timer));
  return { code, output: withoutBanners(output) };
}

/** Drops the CLI's boxed notices (Node 20 deprecation, Redoc 3 announcement) so the real message stands out. */
function withoutBanners(output: string): string {
  return output
    .split("\n")
    .filter((line) => !/[║╔╚]/.test(line) && line.trim() !== "")
    .join("\n");
}
