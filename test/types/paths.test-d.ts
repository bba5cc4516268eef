// Type-level contract of the generated paths: what openapi-fetch infers from them, and what it refuses.
import createClient from "openapi-fetch";
import { describe, expectTypeOf, it } from "vitest";
import type {
  ListItems,
  ServerDetails,
  ServerListResponse,
  listEnvelopes,
  paths as ComputePaths,
} from "../../generated/compute.js";
import type { paths as IdentityPaths, KeystoneTokenV3 } from "../../generated/identity.js";

const compute = createClient<ComputePaths>({ baseUrl: "https://compute.invalid" });
const identity = createClient<IdentityPaths>({ baseUrl: "https://keystone.invalid/v3" });

describe("compute paths", () => {
  it("GET /servers infers the list envelope and the item type", async () => {
    const { data, error } = await compute.GET("/servers", {
      params: { query: { limit: 10, details: true } },
    });
    // Mutual assignability: expect-type's strict equality trips over intersections (allOf) of optional fields.
    type Data = NonNullable<typeof data>;
    expectTypeOf<Data>().toExtend<ServerListResponse>();
    expectTypeOf<ServerListResponse>().toExtend<Data>();
    expectTypeOf<Data["servers"][number]>().toExtend<ServerDetails>();
    expectTypeOf<ServerDetails>().toExtend<Data["servers"][number]>();
    expectTypeOf<Data["servers"]>().not.toBeAny();
    expectTypeOf(data?.total).toEqualTypeOf<number | undefined>();
    expectTypeOf(data?.next_marker).toEqualTypeOf<string | undefined>();
    // Error bodies are the flat Cloudpods error.
    expectTypeOf(error?.class).toEqualTypeOf<string | undefined>();
    expectTypeOf(error?.code).toEqualTypeOf<number | undefined>();
  });

  it("arrays are repeated query keys, status is an open string", () => {
    void compute.GET("/servers", {
      params: { query: { status: ["running", "some_future_status"], order: "asc" } },
    });
  });

  it("path parameters are required and typed", () => {
    void compute.GET("/servers/{id}", { params: { path: { id: "vm-1" } } });
    // @ts-expect-error the id is required
    void compute.GET("/servers/{id}", { params: { path: {} } });
  });

  it("a wrong path, parameter or body field is a type error", () => {
    // @ts-expect-error Cloudpods' own swagger says /security_groups; the real path is /secgroups
    void compute.GET("/security_groups");
    // @ts-expect-error limit is a number
    void compute.GET("/servers", { params: { query: { limit: "10" } } });
    // @ts-expect-error no such query parameter
    void compute.GET("/servers", { params: { query: { limt: 10 } } });
    // @ts-expect-error create bodies are wrapped in the keyword
    void compute.POST("/servers", { body: { name: "vm", vcpu_count: 1 } });
    // openapi-fetch infers bodies generically, so TypeScript's excess-property check does not reach
    // nested body keys (a misspelled optional key slips through); a field of the wrong type never does.
    // @ts-expect-error vcpu_count is a number
    void compute.POST("/servers", { body: { server: { name: "vm", vcpu_count: "2" } } });
    const changeConfig = { server: { vmem_size: 4096 } };
    // @ts-expect-error change-config takes vmem_size as a string such as "4g"
    void compute.POST("/servers/{id}/change-config", { params: { path: { id: "vm" } }, body: changeConfig });
    void compute.POST("/servers", {
      body: { server: { name: "vm", vcpu_count: 1, vmem_size: 1024 }, count: 2 },
    });
  });

  it("ListItems and listEnvelopes describe every list operation", () => {
    expectTypeOf<ListItems["/servers"]>().toExtend<ServerDetails>();
    expectTypeOf<ServerDetails>().toExtend<ListItems["/servers"]>();
    expectTypeOf<ListItems["/servers"]>().not.toBeAny();
    expectTypeOf<(typeof listEnvelopes)["/servers"]>().toEqualTypeOf<"servers">();
  });
});

describe("identity paths", () => {
  it("POST /auth/tokens takes the password, token and aksk shapes and returns the token", async () => {
    const { data, response } = await identity.POST("/auth/tokens", {
      body: {
        auth: {
          identity: {
            methods: ["password"],
            password: { user: { name: "sysadmin", password: "p", domain: { name: "Default" } } },
          },
          scope: { project: { name: "system", domain: { name: "Default" } } },
        },
      },
    });
    expectTypeOf(data?.token).toEqualTypeOf<KeystoneTokenV3 | undefined>();
    expectTypeOf(response).toEqualTypeOf<Response>();
    void identity.POST("/auth/tokens", {
      body: { auth: { identity: { methods: ["token"], token: { id: "t" } } } },
    });
    void identity.POST("/auth/tokens", {
      body: {
        auth: { identity: { methods: ["aksk"], access_key_secret: "{}" }, context: { source: "cli" } },
      },
    });
    const aksk = { auth: { identity: { methods: ["aksk"] as ["aksk"], access_key_secret: {} } } };
    // @ts-expect-error access_key_secret is a JSON *string*
    void identity.POST("/auth/tokens", { body: aksk });
  });
});
