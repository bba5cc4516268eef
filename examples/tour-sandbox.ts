// The whole job against the sandbox: password and AK/SK logins, a network to put a server on, an image, a
// server created and waited for, stopped, listed, and everything deleted again.
import { createCloudpods } from "../src/index.js";
import type { Sandbox } from "../src/sandbox/index.js";
import { fact, heading, progress } from "./tour-output.js";
import { showCatalog, showImages, showServers } from "./tour-read.js";

interface Result<D> {
  data?: D;
  error?: { class?: string; details?: string };
}

/** Throws the API error of a failed call, else returns its data: the tour stops at the first failure. */
function ok<D>(result: Result<D>, what: string): D {
  if (result.error || result.data === undefined) {
    throw new Error(`${what}: ${result.error?.class ?? "no data"}: ${result.error?.details ?? ""}`);
  }
  return result.data;
}

type Single<D, K extends string> = D extends Record<K, infer R> ? R : never;

/** A create answers `{"vpc": {...}}` (or `{"vpcs": [...]}` with `count` > 1): the one object, with its id. */
function created<D, K extends string>(
  result: Result<D>,
  key: K,
): Single<D, K> & { id: string; name: string } {
  const one = (ok(result, `create ${key}`) as Record<string, { id?: string } | undefined>)[key];
  if (!one?.id) throw new Error(`create ${key}: the answer has no ${key}.id`);
  return one as Single<D, K> & { id: string; name: string };
}

export async function fullTour(sandbox: Sandbox, debug: boolean): Promise<void> {
  const { username, password, domain, project } = sandbox.admin;
  heading(`Log in with a password as ${username} (domain ${domain}, project ${project})`);
  const cp = createCloudpods({
    authUrl: sandbox.authUrl,
    credentials: { username, password, domain },
    project: { name: project, domain },
    debug,
  });
  // What to delete, newest first at the end; each undo answers like an API call.
  const cleanup: [what: string, undo: () => Promise<Result<unknown> | void>][] = [];
  try {
    const access = await cp.auth.getAccess();
    fact(`token for ${access.user?.name ?? username}, expires ${access.expiresAt.toISOString()}`);

    heading("Create an access key (AK/SK) and log in with it");
    const key = await cp.createAccessKey({ name: "tour" });
    cleanup.push([`access key ${key.accessKey}`, () => cp.deleteAccessKey(key.accessKey)]);
    fact(`access key ${key.accessKey} (its secret is shown once and never logged)`);
    const ak = createCloudpods({
      authUrl: sandbox.authUrl,
      credentials: { accessKey: key.accessKey, secret: key.secret },
      debug,
    });
    try {
      const viaKey = await ak.auth.getAccess();
      fact(`AK/SK login: user ${viaKey.user?.name ?? "?"}, project ${viaKey.project?.name ?? "?"}`);
    } finally {
      await ak.close();
    }

    await showCatalog(cp);

    heading("Create a vpc, a wire, a network, a keypair and a security group");
    const region = ok(await cp.compute.GET("/cloudregions", {}), "list cloudregions").cloudregions[0];
    const zone = ok(await cp.compute.GET("/zones", {}), "list zones").zones[0];
    if (!region?.id || !zone?.id) throw new Error("the sandbox has no region or zone");
    const vpc = created(
      await cp.compute.POST("/vpcs", {
        body: {
          vpc: {
            name: "tour-vpc",
            cidr_block: "192.168.0.0/16",
            cloudregion_id: region.id,
            external_access_mode: "eip",
          },
        },
      }),
      "vpc",
    );
    cleanup.push([
      `vpc ${vpc.name}`,
      () => cp.compute.DELETE("/vpcs/{id}", { params: { path: { id: vpc.id } } }),
    ]);
    const wire = created(
      await cp.compute.POST("/wires", {
        body: { wire: { name: "tour-wire", vpc_id: vpc.id, zone_id: zone.id, bandwidth: 1000 } },
      }),
      "wire",
    );
    cleanup.push([
      `wire ${wire.name}`,
      () => cp.compute.DELETE("/wires/{id}", { params: { path: { id: wire.id } } }),
    ]);
    const network = created(
      await cp.compute.POST("/networks", {
        body: {
          network: {
            name: "tour-net",
            wire_id: wire.id,
            guest_ip_start: "192.168.10.10",
            guest_ip_end: "192.168.10.200",
            guest_ip_mask: 24,
            guest_gateway: "192.168.10.1",
          },
        },
      }),
      "network",
    );
    cleanup.push([
      `network ${network.name}`,
      () => cp.compute.DELETE("/networks/{id}", { params: { path: { id: network.id } } }),
    ]);
    const keypair = created(
      await cp.compute.POST("/keypairs", { body: { keypair: { name: "tour-key", scheme: "RSA" } } }),
      "keypair",
    );
    cleanup.push([
      `keypair ${keypair.name}`,
      () => cp.compute.DELETE("/keypairs/{id}", { params: { path: { id: keypair.id } } }),
    ]);
    const secgroup = created(
      await cp.compute.POST("/secgroups", {
        body: {
          secgroup: {
            name: "tour-ssh",
            rules: [
              {
                priority: 10,
                protocol: "tcp",
                ports: "22",
                direction: "in",
                cidr: "0.0.0.0/0",
                action: "allow",
              },
            ],
          },
        },
      }),
      "secgroup",
    );
    cleanup.push([
      `secgroup ${secgroup.name}`,
      () => cp.compute.DELETE("/secgroups/{id}", { params: { path: { id: secgroup.id } } }),
    ]);
    for (const [kind, r] of [
      ["vpc", vpc],
      ["wire", wire],
      ["network", network],
      ["keypair", keypair],
      ["secgroup", secgroup],
    ] as const) {
      fact(`${kind.padEnd(8)} ${r.name} ${r.id}`);
    }

    await showImages(cp);
    heading("Pick an active image to boot from");
    let image: { id: string; name: string } | undefined;
    for await (const i of cp.image.paginate("/images", { query: { status: ["active"] } })) {
      if (i.id && i.name) image = { id: i.id, name: i.name };
      break;
    }
    if (!image) throw new Error("no active image in the sandbox");
    fact(`image ${image.name} ${image.id}`);

    heading("Create a server and wait until it runs");
    const server = created(
      await cp.compute.POST("/servers", {
        body: {
          server: {
            name: "tour-server",
            vcpu_count: 1,
            vmem_size: 1024,
            disks: [{ image_id: image.id }],
            nets: [{ network: network.id }],
            keypair: keypair.id,
            secgroups: [secgroup.id],
          },
        },
      }),
      "server",
    );
    const id = server.id;
    cleanup.push([
      `server ${server.name}`,
      async () => {
        const r = await cp.compute.DELETE("/servers/{id}", {
          params: { path: { id }, query: { override_pending_delete: true } },
        });
        if (r.error) return r;
        await cp.compute.waitForDelete("/servers/{id}", { params: { path: { id } } }, { timeoutMs: 60_000 });
      },
    ]);
    fact(`${server.name} ${id}: ${server.status}`);
    const seen: string[] = [server.status ?? "?"];
    const running = await cp.compute.waitFor(
      "/servers/{id}",
      { params: { path: { id } } },
      {
        until: (s) => s.status === "running",
        timeoutMs: 60_000,
        intervalMs: 200,
        onProgress: (s, elapsedMs) => {
          if (s.status && s.status !== seen.at(-1)) seen.push(s.status);
          progress(`${seen.join(" → ")} (${(elapsedMs / 1000).toFixed(1)} s)`, seen.join());
        },
      },
    );
    fact(`${running.name} is ${running.status} on host ${running.host ?? "?"}`);

    heading("Stop it");
    ok(await cp.compute.POST("/servers/{id}/stop", { params: { path: { id } }, body: {} }), "stop server");
    const stopped = await cp.compute.waitFor(
      "/servers/{id}",
      { params: { path: { id } } },
      { until: (s) => s.status === "ready", timeoutMs: 60_000, intervalMs: 200 },
    );
    fact(`${stopped.name} is ${stopped.status}`);

    await showServers(cp);
  } finally {
    if (cleanup.length) heading("Delete everything the tour created, newest first");
    for (const [what, undo] of cleanup.reverse()) {
      const r = await undo();
      if (r?.error) process.exitCode = 1;
      fact(r?.error ? `could not delete ${what}: ${r.error.class}: ${r.error.details}` : `deleted ${what}`);
    }
    await cp.close();
  }
}
