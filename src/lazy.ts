// Public functions whose code loads on first use (a dynamic import), so browser bundles keep it in a lazy
// chunk: a page that never pages through a list or signs an AK/SK body never downloads the code.

import type * as Aksk from "./auth/aksk.js";
import type * as Pager from "./paginate.js";

/** Every item of a list endpoint, page after page: see paginate.ts for the stop rules and errors. */
export async function* paginate<T>(
  ...args: Parameters<typeof Pager.paginate>
): AsyncGenerator<T, void, undefined> {
  yield* (await import("./paginate.js")).paginate<T>(...args);
}

/** The exact JSON body POSTed to {authUrl}/auth/tokens for an AK/SK login (see auth/aksk.ts). */
export const akskAuthBody = async (input: Aksk.AkskInput): Promise<string> =>
  (await import("./auth/aksk.js")).akskAuthBody(input);
