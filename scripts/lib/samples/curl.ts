// The curl sample: the raw HTTP request, with the token from the environment (as climc's OS_AUTH_TOKEN).
import { fillPath, type SampleRequest } from "./request.js";
import { shellQuote } from "./shell.js";

export function curlLine(baseUrl: string, request: SampleRequest): string {
  const encode = (v: string) => encodeURIComponent(v).replace(/%3C/g, "<").replace(/%3E/g, ">");
  const query = request.query.flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((v) => `${encode(name)}=${encode(scalar(v))}`),
  );
  const url = `${baseUrl}${fillPath(request, encode)}${query.length > 0 ? `?${query.join("&")}` : ""}`;
  const method = request.method.toUpperCase();
  const lines = [`curl ${method === "GET" ? "" : method === "HEAD" ? "--head " : `-X ${method} `}"${url}"`];
  lines.push(`-H "X-Auth-Token: $OS_AUTH_TOKEN"`);
  for (const [name, value] of request.headers) lines.push(`-H ${shellQuote(`${name}: ${scalar(value)}`)}`);
  if (request.body !== undefined) {
    lines.push(`-H "Content-Type: application/json"`, `-d ${shellQuote(JSON.stringify(request.body))}`);
  }
  return lines.join(" \\\n  ");
}

const scalar = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));
