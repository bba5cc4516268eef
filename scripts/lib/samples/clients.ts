// Which client a TypeScript sample calls. A Cloudpods service is a property of createCloudpods()'s client
// (`cp.compute`); an API behind another gateway (KubeSphere) names its own client and setup in redocly.yaml:
//
//   apis:
//     kubesphere@v4:
//       x-sdk-sample:
//         client: ks          # the expression the call is made on
//         cli: false          # no `cloudpods` command for it
//         setup: |            # shown above the call; compiled by the samples test
//           import ...
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { GeneratorError } from "../apis.js";
import { isObj } from "../openapi.js";

export interface SampleClient {
  /** What the call is made on: `cp.compute`, `ks`. */
  expression: string;
  /** The lines that create it, shown above the call. */
  setup: string;
  /** Whether the `cloudpods` command covers this API. */
  cli: boolean;
}

const CLOUDPODS_SETUP = `import { createCloudpods, fromEnv } from "cloudpods-sdk";

const cp = createCloudpods(fromEnv());
`;

export const cloudpodsClient = (name: string): SampleClient => ({
  expression: `cp.${name}`,
  setup: CLOUDPODS_SETUP,
  cli: true,
});

/** The sample client of every API in the config, by alias (`compute@v2`) and by short name. */
export async function readSampleClients(configFile: string): Promise<Map<string, SampleClient>> {
  const config = parse(await readFile(configFile, "utf8")) as { apis?: Record<string, unknown> } | null;
  const clients = new Map<string, SampleClient>();
  for (const [alias, api] of Object.entries(config?.apis ?? {})) {
    const name = alias.split("@")[0] ?? alias;
    const custom = isObj(api) ? api["x-sdk-sample"] : undefined;
    let client = cloudpodsClient(name);
    if (custom !== undefined) {
      if (!isObj(custom) || typeof custom.client !== "string" || typeof custom.setup !== "string")
        throw new GeneratorError(`redocly.yaml: apis.${alias}.x-sdk-sample needs \`client\` and \`setup\``);
      client = { expression: custom.client, setup: custom.setup, cli: custom.cli !== false };
    }
    clients.set(alias, client);
    clients.set(name, client);
  }
  return clients;
}
