// The read-only steps, shared by the sandbox tour and a run against a real Cloudpods.
import type { Cloudpods } from "../src/index.js";
import { fact, heading, table } from "./tour-output.js";

export async function showCatalog(cp: Cloudpods): Promise<void> {
  heading("The token's service catalog");
  const catalog = (await cp.catalog()) ?? [];
  const rows = catalog.flatMap((s) =>
    s.endpoints.map((e) => [s.type, e.interface, e.region_id ?? e.region ?? "", e.url] as const),
  );
  rows.sort((a, b) => a.join(" ").localeCompare(b.join(" ")));
  table(["SERVICE", "INTERFACE", "REGION", "URL"], rows);
  fact(`regions offering compute: ${(await cp.regions("compute_v2")).join(", ")}`);
}

export async function showImages(cp: Cloudpods): Promise<void> {
  heading("Images (the first five)");
  const rows: string[][] = [];
  for await (const image of cp.image.paginate("/images", { query: { limit: 20 } })) {
    rows.push([image.name ?? "", image.status ?? "", image.disk_format ?? "", image.id ?? ""]);
    if (rows.length >= 5) break;
  }
  if (rows.length) table(["NAME", "STATUS", "FORMAT", "ID"], rows);
  else fact("no images");
}

export async function showServers(cp: Cloudpods): Promise<void> {
  heading("Page through servers, two to a page");
  let n = 0;
  for await (const s of cp.compute.paginate("/servers", { query: { limit: 2 } })) {
    fact(`${s.name ?? "?"} (${s.status ?? "?"})`);
    if (++n >= 10) break;
  }
  if (n === 0) fact("no servers");
}
