// Step 3: the bundled document to TypeScript with openapi-typescript's transform, printed once.
// openapiTS() would lint and bundle the document a second time (bundle.ts already did, with file:line
// errors); on an 800-path spec that repeat is a third of the run, so this calls its exported transform
// with the same context openapiTS() builds (openapi-typescript 7.13, pinned exactly).
import {
  astToString,
  resolveRef,
  scanDiscriminators,
  transformSchema,
  type GlobalContext,
  type OpenAPI3,
} from "openapi-typescript";
import type { Config } from "@redocly/openapi-core";

export function toTypeScript(document: Record<string, unknown>): string {
  const schema = document as unknown as OpenAPI3;
  const ctx: GlobalContext = {
    additionalProperties: false,
    alphabetize: false,
    arrayLength: false,
    defaultNonNullable: true,
    discriminators: scanDiscriminators(schema, { silent: true }),
    emptyObjectsUnknown: false,
    enum: false,
    enumValues: false,
    conditionalEnums: false,
    dedupeEnums: false,
    excludeDeprecated: false,
    exportType: false,
    immutable: false,
    rootTypes: false,
    rootTypesNoSchemaPrefix: false,
    rootTypesKeepCasing: false,
    injectFooter: [],
    pathParamsAsTypes: false,
    postTransform: undefined,
    propertiesRequiredByDefault: false,
    // Only read by openapiTS()'s own validation step, which this path does not run.
    redoc: undefined as unknown as Config,
    silent: true,
    transform: undefined,
    transformProperty: undefined,
    makePathsEnum: false,
    generatePathParams: false,
    readWriteMarkers: false,
    resolve: <T>($ref: string) => resolveRef<T>(schema, $ref, { silent: true }),
  };
  return astToString(transformSchema(schema, ctx));
}
