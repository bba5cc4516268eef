// The curl sample: the raw HTTP request, authenticated as the operation's security scheme says.
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
  if (request.auth) lines.push(request.auth);
  for (const [name, value] of request.headers) lines.push(`-H ${shellQuote(`${name}: ${scalar(value)}`)}`);
  if (request.body !== undefined && request.form) {
    const fields = Object.entries(request.body as Record<string, unknown>);
    for (const [k, v] of fields) lines.push(`--data-urlencode ${shellQuote(`${k}=${scalar(v)}`)}`);
  } else if (request.body !== undefined) {
    lines.push(`-H "Content-Type: application/json"`, `-d ${shellQuote(JSON.stringify(request.body))}`);
  }
  return lines.join(" \\\n  ");
}

const scalar = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));
