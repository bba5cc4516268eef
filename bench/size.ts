// The browser build's size: what a page loads to log in and call an API (the entry chunk), everything it may
// load later (lazy chunks: debug formatter, AK/SK signer, ...), and openapi-fetch alone for comparison. All
// built the same way (esbuild, ESM, splitting, minified, in memory) and measured as gzip -9.
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile, type Plugin } from "esbuild";
import { print } from "./stats.js";

const root = path.resolve(import.meta.dirname, "..");

// Page code as terse as a real app's: every credential type and paginate are referenced, so nothing a user
// needs can be tree-shaken away, and the harness itself adds little to the entry chunk.
const SDK_ENTRY = `
import { createCloudpods } from "./src/index.js";
export const credentials = [
  { username: "u", password: "p", domain: "Default" },
  { userId: "i", password: "p" },
  { token: "t" },
  { accessKey: "a", secret: "s" },
];
export const servers = (i) =>
  createCloudpods({ authUrl: "https://h/v3", credentials: credentials[i], debug: i > 3 }).compute.paginate("/servers");
`;

const OPENAPI_FETCH_ENTRY = `
import createClient from "openapi-fetch";
const client = createClient({ baseUrl: "https://h" });
client.use({ onRequest: ({ request }) => { request.headers.set("X-Auth-Token", "t"); } });
export const run = () => client.GET("/servers");
`;

interface Chunk {
  path: string;
  entry: boolean;
  gz: number;
  inputs: Record<string, number>;
  /** Chunks this one imports statically: the browser loads them with it. */
  statics: string[];
}

/** Builds one virtual entry module; returns every output chunk with its gzip size and per-input bytes. */
async function measure(contents: string): Promise<Chunk[]> {
  const virtual: Plugin = {
    name: "virtual-entry",
    setup(b) {
      b.onResolve({ filter: /^virtual:entry$/ }, () => ({ path: "entry.js", namespace: "virtual" }));
      b.onLoad({ filter: /.*/, namespace: "virtual" }, () => ({ contents, loader: "js", resolveDir: root }));
    },
  };
  const result = await build({
    entryPoints: ["virtual:entry"],
    plugins: [virtual],
    bundle: true,
    minify: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    metafile: true,
    write: false,
    outdir: "/out",
    logLevel: "silent",
  });
  const outputs: Metafile["outputs"] = result.metafile.outputs;
  return result.outputFiles
    .filter((f) => f.path.endsWith(".js"))
    .map((f) => {
      const meta = outputs[path.relative(process.cwd(), f.path)] ?? outputs[f.path.slice(1)];
      const inputs: Record<string, number> = {};
      for (const [name, v] of Object.entries(meta?.inputs ?? {})) inputs[name] = v.bytesInOutput;
      return {
        path: f.path,
        entry: meta?.entryPoint !== undefined,
        gz: gzipSync(f.contents, { level: 9 }).length,
        inputs,
        statics: (meta?.imports ?? [])
          .filter((i) => i.kind === "import-statement")
          .map((i) => path.resolve(process.cwd(), i.path)),
      };
    });
}

const sum = (chunks: Chunk[]): number => chunks.reduce((n, c) => n + c.gz, 0);
const fail = (message: string): never => {
  throw new Error(message);
};

/** `node_modules/openapi-fetch/dist/index.js` → `openapi-fetch`; `src/auth/aksk.ts` stays as is. */
const short = (input: string): string =>
  input.includes("node_modules/") ? input.replace(/^.*node_modules\/((?:@[^/]+\/)?[^/]+).*$/, "$1") : input;

export async function benchSize(): Promise<void> {
  const chunks = await measure(SDK_ENTRY);
  const entry = chunks.find((c) => c.entry);
  if (!entry) throw new Error("esbuild produced no entry chunk");
  // The entry chunk plus every chunk it imports statically (shared code the page cannot start without).
  const initial = new Set([entry]);
  for (const c of initial)
    for (const s of c.statics) initial.add(chunks.find((x) => x.path === s) ?? fail(`no chunk ${s}`));
  print("size.browser_entry_min_gz_bytes", sum([...initial]), `B (goal ≤ 8000; ${initial.size} chunk(s))`);
  print("size.browser_all_chunks_min_gz_bytes", sum(chunks), `B (${chunks.length} chunks)`);
  const alone = sum(await measure(OPENAPI_FETCH_ENTRY));
  print("size.openapi_fetch_one_middleware_min_gz_bytes", alone, "B");
  for (const c of chunks) {
    const name = path.basename(c.path, ".js").replace(/-[A-Z0-9]{8}$/, "");
    const label = c === entry ? "entry" : `${initial.has(c) ? "initial" : "lazy"}.${name}`;
    print(`size.${label}_min_gz_bytes`, c.gz, "B");
    const top = Object.entries(c.inputs)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    for (const [input, n] of top) print(`size.${label}.${short(input)}_min_bytes`, n, "B before gzip");
  }
  if (chunks.some((c) => Object.keys(c.inputs).some((i) => i.includes("transport-node")))) {
    throw new Error("transport-node.ts leaked into the browser build");
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSize();
