// Code samples for every operation of a bundled document, injected as Redoc's `x-codeSamples` at docs build
// time (specs/ stay free of them): a TypeScript call of this SDK, the `cloudpods` command and curl.
import { isObj, listOperations, type Obj, type OperationRef } from "../openapi.js";
import { commandName } from "../../../src/cli/command-name.js";
import { cliLine } from "./cli.js";
import { curlLine } from "./curl.js";
import { sampleRequest } from "./request.js";
import { TYPESCRIPT_SETUP, typescriptCall } from "./typescript.js";

export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

/**
 * The sample languages in the order Redoc offers them (the first is shown by default). Redoc 3 shows only
 * the samples whose label is in its `codeSamples.languages` option, so the docs build passes this list.
 */
export const SAMPLE_LANGUAGES = [
  { lang: "TypeScript", label: "TypeScript" },
  { lang: "bash", label: "CLI" },
  { lang: "curl", label: "curl" },
] as const;
const [TYPESCRIPT, CLI, CURL] = SAMPLE_LANGUAGES;

export interface OperationSamples {
  operation: OperationRef;
  /** The call alone (what the samples test compiles, after TYPESCRIPT_SETUP). */
  typescriptCall: string;
  samples: CodeSample[];
}

/** `service` is the client's property (`cp.compute`): the API's short name in redocly.yaml. */
export async function operationSamples(doc: Obj, service: string): Promise<OperationSamples[]> {
  const baseUrl = defaultServerUrl(doc);
  return Promise.all(
    listOperations(doc).map(async (operation) => {
      const request = sampleRequest(doc, operation);
      const call = await typescriptCall(service, request);
      const samples: CodeSample[] = [
        { ...TYPESCRIPT, source: `${TYPESCRIPT_SETUP}\n${call}` },
        { ...CLI, source: cliLine(commandName(operation), request) },
        { ...CURL, source: curlLine(baseUrl, request) },
      ];
      return { operation, typescriptCall: call, samples };
    }),
  );
}

/** A copy of the document with `x-codeSamples` on every operation. */
export async function withCodeSamples(doc: Obj, service: string): Promise<Obj> {
  const copy = structuredClone(doc);
  for (const { operation, samples } of await operationSamples(copy, service)) {
    operation.operation["x-codeSamples"] = samples;
  }
  return copy;
}

/** The first server URL with its variables at their defaults, as Redoc shows it. */
export function defaultServerUrl(doc: Obj): string {
  const server = Array.isArray(doc.servers) && isObj(doc.servers[0]) ? doc.servers[0] : {};
  const variables = isObj(server.variables) ? server.variables : {};
  const url = typeof server.url === "string" ? server.url : "$CLOUDPODS_URL";
  return url
    .replace(/\{([^}]+)\}/g, (whole, name: string) => {
      const v = variables[name];
      return isObj(v) && v.default !== undefined ? String(v.default) : whole;
    })
    .replace(/\/$/, "");
}
