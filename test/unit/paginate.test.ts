import { describe, expect, it } from "vitest";
import { CloudpodsError, HttpError } from "../../src/errors.js";
import { paginate, type PageResult } from "../../src/paginate.js";

type Item = { id: string };
const items = (...ids: string[]): Item[] => ids.map((id) => ({ id }));

/** A fake list endpoint: records each query and answers the next envelope (the last one repeats). */
function pages(...envelopes: unknown[]) {
  const queries: Record<string, unknown>[] = [];
  const getPage = async (query: Record<string, unknown>): Promise<PageResult> => {
    queries.push(query);
    const data = envelopes[Math.min(queries.length, envelopes.length) - 1];
    return { data, response: new Response(null, { status: 200 }) };
  };
  return { getPage, queries };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("paginate: offset paging", () => {
  it("follows offset up to total and stops without an extra request", async () => {
    const p = pages(
      { servers: items("a", "b"), total: 5, limit: 2 },
      { servers: items("c", "d"), total: 5, limit: 2, offset: 2 },
      { servers: items("e"), total: 5, limit: 2, offset: 4 },
    );
    const got = await collect(paginate<Item>(p.getPage, "servers", { limit: 2, status: ["running"] }));
    expect(got.map((x) => x.id)).toEqual(["a", "b", "c", "d", "e"]);
    expect(p.queries).toEqual([
      { limit: 2, status: ["running"] },
      { limit: 2, status: ["running"], offset: 2 },
      { limit: 2, status: ["running"], offset: 4 },
    ]);
  });

  it("stops on an empty page, which has no total", async () => {
    const p = pages({ servers: [] });
    expect(await collect(paginate<Item>(p.getPage, "servers"))).toEqual([]);
    expect(p.queries).toHaveLength(1);
  });

  it("without total, continues on full pages and stops on the empty one", async () => {
    const p = pages(
      { servers: items("a", "b"), limit: 2 },
      { servers: items("c", "d"), limit: 2 },
      { servers: [] },
    );
    expect((await collect(paginate<Item>(p.getPage, "servers"))).map((x) => x.id)).toEqual([
      "a",
      "b",
      "c",
      "d",
    ]);
    expect(p.queries.map((q) => q.offset)).toEqual([undefined, 2, 4]);
  });

  it("stops on a short page, and after one page when the server did not page", async () => {
    const short = pages({ servers: items("a"), limit: 2 });
    expect(await collect(paginate<Item>(short.getPage, "servers"))).toHaveLength(1);
    expect(short.queries).toHaveLength(1);
    const unpaged = pages({ servers: items("a", "b", "c") });
    expect(await collect(paginate<Item>(unpaged.getPage, "servers"))).toHaveLength(3);
    expect(unpaged.queries).toHaveLength(1);
  });

  it("starts from the caller's offset", async () => {
    const p = pages({ servers: items("x"), total: 11, limit: 1, offset: 10 });
    await collect(paginate<Item>(p.getPage, "servers", { offset: 10, limit: 1 }));
    expect(p.queries).toEqual([{ offset: 10, limit: 1 }]);
  });

  it("is bounded when pages keep coming", async () => {
    const p = {
      queries: [] as unknown[],
      getPage: async (q: Record<string, unknown>): Promise<PageResult> => {
        p.queries.push(q);
        return { data: { servers: items(`s${p.queries.length}`), limit: 1 }, response: new Response(null) };
      },
    };
    const err = await collect(
      paginate<Item>(p.getPage, "servers", {}, { maxPages: 5, label: "/servers" }),
    ).catch((e: unknown) => e);
    expect(CloudpodsError.isInstance(err) && err.code).toBe("PaginationLimit");
    expect(p.queries).toHaveLength(5);
  });

  it("stops with an error when a server ignores offset and answers the same page again", async () => {
    const p = pages({ servers: items("same"), limit: 1, total: 38 });
    const got: Item[] = [];
    const err = await (async () => {
      for await (const x of paginate<Item>(p.getPage, "servers", {}, { label: "/servers" })) got.push(x);
    })().catch((e: unknown) => e);
    expect(CloudpodsError.isInstance(err) && err.code).toBe("PaginationLoop");
    expect((err as Error).message).toMatch(/same page twice/);
    expect(got.map((x) => x.id)).toEqual(["same"]);
    expect(p.queries).toHaveLength(2);
  });

  it("treats an empty paging_marker as none: offset rules apply when no next_marker comes back", async () => {
    // As the real region service: 38 networks, 5 a page, offset paging, paging_marker "" ignored.
    const ids = [...Array(38).keys()].map((i) => `n${i}`);
    const getPage = async (q: Record<string, unknown>): Promise<PageResult> => {
      const offset = Number(q.offset ?? 0);
      return {
        data: { networks: items(...ids.slice(offset, offset + 5)), total: 38, limit: 5, offset },
        response: new Response(null),
      };
    };
    const got = await collect(paginate<Item>(getPage, "networks", { paging_marker: "", limit: 5 }));
    expect(got).toHaveLength(38);
    expect(got.map((x) => x.id)).toEqual(ids);
  });
});

describe("paginate: marker paging", () => {
  it("sends paging_marker = next_marker until none comes back", async () => {
    const p = pages(
      { servers: items("a", "b"), next_marker: "m1" },
      { servers: items("c"), next_marker: "m2" },
      { servers: items("d"), next_marker: "" },
    );
    const got = await collect(paginate<Item>(p.getPage, "servers", { paging_order: "ASC", offset: 0 }));
    expect(got.map((x) => x.id)).toEqual(["a", "b", "c", "d"]);
    expect(p.queries).toEqual([
      { paging_order: "ASC", offset: 0 },
      { paging_order: "ASC", paging_marker: "m1" },
      { paging_order: "ASC", paging_marker: "m2" },
    ]);
  });

  it("throws instead of looping when the server repeats a marker", async () => {
    const p = pages({ servers: items("a"), next_marker: "m1" }, { servers: items("b"), next_marker: "m1" });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const x of paginate<Item>(p.getPage, "servers")) seen.push(x.id);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(["a", "b"]);
    expect(CloudpodsError.isInstance(err) && err.code).toBe("PaginationLoop");
    expect(p.queries).toHaveLength(2);
  });
});

describe("paginate: errors", () => {
  it("throws HttpError with the Cloudpods class, details and request id", async () => {
    const getPage = async (): Promise<PageResult> => ({
      error: { class: "ForbiddenError", code: 403, details: "no permission" },
      response: new Response(null, { status: 403, headers: { "x-request-id": "r1" } }),
    });
    const err = await collect(paginate<Item>(getPage, "servers", {}, { label: "/servers" })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({
      status: 403,
      class: "ForbiddenError",
      details: "no permission",
      requestId: "r1",
    });
    expect((err as Error).message).toBe("GET /servers failed: 403 ForbiddenError: no permission");
  });

  it("scrubs the caller's secrets from the error a server echoed them into", async () => {
    const getPage = async (): Promise<PageResult> => ({
      error: { class: "InputError", code: 400, details: "bad filter tok-123456 near tok-123456" },
      response: new Response(null, { status: 400 }),
    });
    const err = await collect(
      paginate<Item>(getPage, "servers", {}, { secrets: () => ["tok-123456"] }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ details: "bad filter *** near ***" });
    expect((err as Error).message).not.toContain("tok-123456");
  });

  it("rejects an envelope without the list", async () => {
    const p = pages({ server: {} });
    const err = await collect(paginate<Item>(p.getPage, "servers")).catch((e: unknown) => e);
    expect(CloudpodsError.isInstance(err) && err.code).toBe("InvalidResponse");
  });
});
