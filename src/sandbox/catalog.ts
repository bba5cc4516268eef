// The service catalog a scoped token carries, built from the `services` and `endpoints` collections, so an
// endpoint created through the API appears in the next token. Seeded with identity, compute_v2 and image in
// region0 (public and internal) and compute_v2 in region1.

import type { IdentityState } from "./identity/state.js";
import type { Json } from "./spec.js";

export interface EndpointSeed {
  serviceType: string;
  /** Keystone service name as Cloudpods registers it (`keystone`, `region2`, `glance`). */
  serviceName: string;
  region: string;
  interface: "public" | "internal" | "admin";
  url: string;
}

export const SERVICE_NAMES: Record<string, string> = {
  identity: "keystone",
  compute_v2: "region2",
  image: "glance",
};

export function seedCatalog(state: IdentityState, endpoints: EndpointSeed[]): void {
  for (const region of new Set(endpoints.map((e) => e.region))) {
    state.regions.insert({ ...state.base(region), id: region, name: region, description: "" });
  }
  for (const e of endpoints) {
    let service = [...state.services.items.values()].find((s) => s.type === e.serviceType);
    service ??= state.services.insert(
      state.base(e.serviceName, {
        can_delete: false,
        config_version: 0,
        enabled: true,
        type: e.serviceType,
      }),
    );
    state.endpoints.insert(
      state.base(`${e.serviceType}-${e.interface}`, {
        can_delete: false,
        enabled: true,
        interface: e.interface,
        public_key_bit_len: 0,
        region_id: e.region,
        service_id: service.id,
        service_name: service.name,
        service_type: e.serviceType,
        url: e.url,
      }),
      { uniqueName: false },
    );
  }
}

export function buildCatalog(state: IdentityState): Json[] {
  const endpoints = [...state.endpoints.items.values()].filter((e) => e.enabled !== false);
  return [...state.services.items.values()]
    .filter((s) => s.enabled !== false)
    .map((s) => ({
      endpoints: endpoints
        .filter((e) => e.service_id === s.id)
        .map((e) => ({
          id: e.id,
          interface: e.interface,
          name: e.name,
          region: e.region_id,
          region_id: e.region_id,
          url: e.url,
        })),
      id: s.id,
      name: s.name,
      type: s.type,
    }))
    .filter((s) => s.endpoints.length > 0);
}
