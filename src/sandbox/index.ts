// cloudpods-sdk/sandbox: an in-process Cloudpods for tests and the tour. Node only; never imported by the
// browser-safe entry point.

export { startSandbox } from "./sandbox.js";
export type { Sandbox, SandboxOperations, SandboxOptions } from "./sandbox.js";
export type { Clock } from "./clock.js";
export type { FaultAction, FaultMatch, FaultRule, Faults } from "./faults.js";
export type { EndpointSeed as SandboxEndpoint } from "./catalog.js";
export type { AdminAccount } from "./identity/state.js";
