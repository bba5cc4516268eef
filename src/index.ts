// Public exports only.

/**
 * The typed Cloudpods client: `createCloudpods()` logs in to Keystone, finds each service in the catalog
 * and gives typed `openapi-fetch` clients (`cp.compute`, `cp.identity`, ...). The operations themselves are
 * documented on the API pages beside this reference.
 * @module cloudpods-sdk
 */

export { createCloudpods } from "./client.js";
export type {
  Cloudpods,
  CloudpodsOptions,
  ConnectionOptions,
  PaginateInit,
  ServiceClient,
} from "./client.js";
export { fromEnv } from "./config.js";
export {
  createImage,
  getImage,
  imageMetaHeaders,
  parseImageMeta,
  updateImage,
  uploadImage,
} from "./image.js";
export type { ImageBody, ImageCreateInput, ImageDetails, ImageResult, ImageUpdateInput } from "./image.js";
export type { EnvOptions } from "./config.js";
export { KeystoneAuth } from "./auth/keystone.js";
export type { Credentials, DomainScope, KeystoneAuthOptions, ProjectScope } from "./auth/keystone.js";
export type {
  AccessInfo,
  AuthPlugin,
  CatalogEndpoint,
  CatalogService,
  ServiceCatalog,
} from "./auth/types.js";
export { endpointFor, gatewayUrl, serviceTypeFor, serviceUrl } from "./catalog.js";
export type { EndpointFilter, EndpointType, ServiceUrlOptions } from "./catalog.js";
export {
  AuthenticationError,
  CloudpodsError,
  EndpointNotFoundError,
  HttpError,
  TimeoutError,
} from "./errors.js";
export type { CloudpodsErrorInit, HttpErrorInit } from "./errors.js";
export { akskAuthBody } from "./auth/keystone.js";
export { paginate } from "./paginate.js";
export type { AkskInput } from "./auth/aksk.js";
export type { PageResult, PaginateOptions } from "./paginate.js";
export { createSession, PLACEHOLDER_BASE } from "./session.js";
export type { RetryOptions, Session, SessionOptions } from "./session.js";
export { createTransport, SDK_VERSION } from "./transport.js";
export type { FetchFn, SendInit, Transport, TransportOptions } from "./transport.js";
export type { DebugSink } from "./debug.js";
export type {
  AccessKeyEntry,
  CreateAccessKeyInput,
  CreatedAccessKey,
  ListAccessKeysOptions,
} from "./access-keys.js";
export { WaitFailedError, WaitTimeoutError } from "./wait-errors.js";
export type { WaitErrorInit } from "./wait-errors.js";
export type { WaitCommonOptions, WaitForDeleteOptions, WaitOptions } from "./wait.js";
export type { ResourceOf, Unwrapped, WaitInit } from "./client.js";
export type { CachedToken, TokenCache } from "./auth/cache-types.js";
export type { BatchFailed, BatchItemResult, BatchOk, BatchOptions, BatchResult } from "./batch.js";
export { loadOpenrc, parseOpenrc } from "./openrc.js";
export type { OpenrcEnv } from "./openrc.js";
export type { WithOptions } from "./derived.js";
export { createTypedClient } from "./typed-client.js";
export type { TypedClient, TypedClientOptions } from "./typed-client.js";
export type { AuthEnv, AuthorizeContext } from "./auth/types.js";
export { KubeSphereAuth, kubeSphereCluster } from "./gateways/kubesphere.js";
export type { KubeSphereApi, KubeSphereAuthOptions, KubeSphereToken } from "./gateways/kubesphere.js";
export { AliyunApiGatewayAuth, ApiGatewayError } from "./gateways/aliyun.js";
export type { AliyunApiGatewayAuthOptions, AliyunEndpoint } from "./gateways/aliyun.js";
export { signAliyunRequest } from "./gateways/aliyun-sign.js";
export type { AliyunSignInput, AliyunSignature, AliyunSignatureMethod } from "./gateways/aliyun-sign.js";
