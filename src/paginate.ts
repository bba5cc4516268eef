// Async iteration over Cloudpods list endpoints (cloudpods-api.md §2.4). The envelope is
// `{"<plural>": [...], "total", "limit", "offset"}` with zero-valued keys omitted, or, for managers with
// incremental paging, `{"<plural>": [...], "next_marker"}` and no total. An empty list ends the walk
// (`{"servers":[]}` carries no total at all).

import { errorFields } from "./errorbody.js";
import { CloudpodsError, HttpError } from "./errors.js";

/** What an openapi-fetch GET resolves to. */
export interface PageResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

export interface PaginateOptions {
  /** Fail past this many pages: a server ignoring offset and total must not loop forever. Default 10 000. */
  maxPages?: number | undefined;
  /** Names the list in errors, e.g. "/servers". */
  label?: string | undefined;
  /** Strings scrubbed from a failed page's error (the auth plugin's `secrets()`: servers echo input). */
  secrets?: (() => readonly string[]) | undefined;
}

const count = (v: unknown): number | undefined => (typeof v === "number" && v >= 0 ? v : undefined);

/**
 * Yields the items of every page. Offset paging advances `offset` by the page length and stops at `total`,
 * at a short page (fewer than `limit`), at an empty page, or when the server reports neither total nor
 * limit (it did not page). Marker paging sends `paging_marker` = the last `next_marker` until none comes
 * back (an empty `paging_marker` counts as none); a repeated marker, or a page identical to the one before
 * (a server ignoring offset), throws instead of looping. A non-2xx page throws HttpError.
 */
export async function* paginate<T>(
  getPage: (query: Record<string, unknown>) => Promise<PageResult>,
  envelopeKey: string,
  query: Record<string, unknown> = {},
  options: PaginateOptions = {},
): AsyncGenerator<T, void, undefined> {
  const maxPages = options.maxPages ?? 10_000;
  const label = options.label ?? envelopeKey;
  let q = query;
  let offset = Number(query.offset ?? 0) || 0;
  // An empty paging_marker (the spec offers it on every list) asks nothing: offset rules apply until a
  // next_marker comes back.
  let markers = typeof query.paging_marker === "string" && query.paging_marker !== "";
  const seen = new Set<string>();
  let previous: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= maxPages) {
      throw new CloudpodsError(`${label}: stopped after ${maxPages} pages`, "PaginationLimit");
    }
    const { data, error, response } = await getPage(q);
    if (error !== undefined || !response.ok) {
      // openapi-fetch already read the body, as JSON or text.
      const text = typeof error === "string" ? error : error === undefined ? "" : JSON.stringify(error);
      throw new HttpError({
        ...errorFields(response, text, options.secrets?.()),
        method: "GET",
        url: response.url || label,
      });
    }
    const envelope = (data ?? {}) as Record<string, unknown>;
    const items = envelope[envelopeKey];
    if (!Array.isArray(items)) {
      throw new CloudpodsError(`${label}: the response has no "${envelopeKey}" list`, "InvalidResponse");
    }
    if (items.length === 0) return;
    // A server that ignores offset answers the same page again: stop rather than yield it until maxPages.
    const fingerprint = JSON.stringify(items);
    if (fingerprint === previous) {
      throw new CloudpodsError(
        `${label}: the server answered the same page twice (it ignores offset)`,
        "PaginationLoop",
      );
    }
    previous = fingerprint;
    yield* items as T[];
    const marker = envelope.next_marker;
    if (typeof marker === "string" && marker !== "") {
      if (seen.has(marker)) {
        throw new CloudpodsError(`${label}: the server repeated paging marker ${marker}`, "PaginationLoop");
      }
      seen.add(marker);
      markers = true;
      q = { ...q, paging_marker: marker };
      delete q.offset;
      continue;
    }
    if (markers) return;
    offset += items.length;
    const total = count(envelope.total);
    const limit = count(envelope.limit);
    if (total === undefined && limit === undefined) return;
    if (total !== undefined && offset >= total) return;
    if (limit !== undefined && items.length < limit) return;
    q = { ...q, offset };
  }
}
