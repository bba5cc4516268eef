// docs-dist/index.html: what each service is, its spec version and hash, how to authenticate, and links
// (relative only, so the folder can be published as it is to any static host).
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { BuiltPage } from "./api-page.js";
import { AUTH_SNIPPETS } from "./auth-snippets.js";
import { CONTENT_SECURITY_POLICY } from "./offline.js";

export interface SpecRecord {
  /** The hash of the spec files generated/ was built from (generated/manifest.json `specSha256`). */
  specSha256: string;
  output: string;
}

/** The manifest entries beside the config file, keyed by API alias; empty before the first generate. */
export async function readSpecRecords(configFile: string): Promise<Map<string, SpecRecord>> {
  const file = path.join(path.dirname(configFile), "generated/manifest.json");
  const text = await readFile(file, "utf8").catch(() => "{}");
  let outputs: Record<string, { api?: unknown; specSha256?: unknown }> = {};
  try {
    outputs = (JSON.parse(text) as { outputs?: typeof outputs }).outputs ?? {};
  } catch {
    // A broken manifest only costs the index its hashes; `npm run generate -- --check` reports it.
  }
  const records = new Map<string, SpecRecord>();
  for (const [output, entry] of Object.entries(outputs)) {
    if (typeof entry.api === "string" && typeof entry.specSha256 === "string")
      records.set(entry.api, { specSha256: entry.specSha256, output });
  }
  return records;
}

export interface IndexInput {
  pages: readonly BuiltPage[];
  specs: ReadonlyMap<string, SpecRecord>;
  /** Relative link of the SDK reference, when it was built. */
  sdkReference?: string | undefined;
}

export function renderIndex({ pages, specs, sdkReference }: IndexInput): string {
  const rows = pages.map(({ api, title, specVersion, summary, operations }) => {
    const record = specs.get(api.alias);
    const hash = record
      ? `<code title="sha256 ${esc(record.specSha256)}">${esc(record.specSha256.slice(0, 12))}</code>`
      : `<span class="muted">not generated yet</span>`;
    return `      <tr>
        <td><a href="${esc(api.page)}">${esc(title)}</a><div class="summary">${esc(summary)}</div></td>
        <td><code>${esc(api.alias)}</code></td>
        <td><code>${esc(api.serviceType)}</code></td>
        <td class="version">${esc(specVersion)}</td>
        <td>${hash}</td>
        <td class="num">${operations}</td>
      </tr>`;
  });
  const sdk = sdkReference
    ? `    <h2>SDK reference</h2>
    <p><a href="${esc(sdkReference)}">cloudpods-sdk reference</a>: <code>createCloudpods</code> and its options,
      the errors, <code>paginate</code>, the auth and transport helpers, from the doc comments in the source.</p>
`
    : "";
  const auth = AUTH_SNIPPETS.map(
    (s) => `    <h3>${esc(s.title)}</h3>
    <p>${esc(s.text)}</p>
    <pre><code class="language-${s.lang}">${esc(s.code.trimEnd())}</code></pre>`,
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta http-equiv="Content-Security-Policy" content="${esc(CONTENT_SECURITY_POLICY)}" />
  <meta name="referrer" content="no-referrer" />
  <link rel="icon" href="data:," />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Cloudpods API reference</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 64rem; margin: 2.5rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; vertical-align: top; padding: 0.45rem 0.6rem; border-bottom: 1px solid #ddd; }
    th { font-size: 0.85rem; color: #444; }
    td a { font-size: 1.05rem; font-weight: 600; }
    .summary, .muted { color: #555; font-size: 0.9rem; }
    .num { text-align: right; }
    pre { background: #f4f5f7; padding: 0.8rem; overflow-x: auto; border-radius: 4px; font-size: 0.85rem; }
  </style>
</head>
<body>
  <main>
    <h1>Cloudpods API reference</h1>
    <p>One page per Cloudpods service. Every operation shows how to call it three ways: with this SDK's typed
      client (TypeScript), with the <code>cloudpods</code> command, and with curl.</p>
    <table>
      <thead><tr><th>Service</th><th>API</th><th>Catalog type</th><th>Spec version</th><th>Spec hash</th><th>Operations</th></tr></thead>
      <tbody>
${rows.join("\n")}
      </tbody>
    </table>
${sdk}    <h2>Authenticate</h2>
    <p>The client logs in to Keystone v3 and finds each service's URL in the token's catalog (or through the
      API gateway); every request then carries the token in <code>X-Auth-Token</code>.</p>
${auth.join("\n")}
  </main>
</body>
</html>
`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
