// The TypeScript sample: one call of this SDK's typed client, exactly as a user writes it.
import { format } from "prettier";
import type { SampleRequest } from "./request.js";

/** Shown above every call; compiled once by the samples test. */
export const TYPESCRIPT_SETUP = `import { createCloudpods, fromEnv } from "cloudpods-sdk";

const cp = createCloudpods(fromEnv());
`;

export async function typescriptCall(service: string, request: SampleRequest): Promise<string> {
  const params: string[] = [];
  if (request.pathParams.length > 0) params.push(`path: ${literal(Object.fromEntries(request.pathParams))}`);
  if (request.query.length > 0) params.push(`query: ${literal(Object.fromEntries(request.query))}`);
  if (request.headers.length > 0) params.push(`header: ${literal(Object.fromEntries(request.headers))}`);
  const init: string[] = [];
  if (params.length > 0) init.push(`params: { ${params.join(", ")} }`);
  if (request.body !== undefined) init.push(`body: ${literal(request.body)}`);
  const args = [JSON.stringify(request.path), ...(init.length > 0 ? [`{ ${init.join(", ")} }`] : [])];
  const code =
    `const { data, error } = await cp.${service}.${request.method.toUpperCase()}(${args.join(", ")});\n` +
    "if (error) throw new Error(`${error.class}: ${error.details}`);\n" +
    "console.log(data);\n";
  return format(code, { parser: "typescript", printWidth: 60, trailingComma: "all" });
}

/** A TypeScript literal: identifier keys unquoted, everything else as JSON. */
export function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).map(
      ([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${literal(v)}`,
    );
    return entries.length > 0 ? `{ ${entries.join(", ")} }` : "{}";
  }
  return JSON.stringify(value) ?? "undefined";
}
