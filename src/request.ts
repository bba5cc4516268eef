// The Request class our service clients hand openapi-fetch (its `Request` option). Node's Request parses the
// URL, copies the headers and, given a signal, follows it with a listener: ≈ 11 µs a request, twice that with
// a query, for work the transports then undo (they want the URL as a string and the caller's own signal).
// This one keeps the URL string, the Headers openapi-fetch just built and the signal only if one was given;
// anything it does not model (another body type, cache or mode options, ...) gets a real Request instead.
// `instanceof Request` holds, so middleware may return it.

const Native = globalThis.Request;
const utf8 = new TextEncoder();
/** Request fields this class does not model, at the values a plain `new Request(url)` has. */
const DEFAULTS = {
  cache: "default",
  credentials: "same-origin",
  destination: "",
  integrity: "",
  keepalive: false,
  mode: "cors",
  referrer: "about:client",
  referrerPolicy: "",
  duplex: "half",
};
const LIGHT_KEYS = new Set(["method", "headers", "body", "signal", "redirect"]);

export class LightRequest {
  readonly url!: string;
  readonly method!: string;
  readonly headers!: Headers;
  readonly redirect!: RequestRedirect;
  /** The caller's signal, if any; `signal` makes a never-aborted one on demand, as Request always has one. */
  readonly given!: AbortSignal | undefined;
  #body: string | null;
  #used = false;
  #signal: AbortSignal | undefined;
  #stream: ReadableStream<Uint8Array> | undefined;

  constructor(input: string, init: RequestInit = {}) {
    const { method = "GET", body = null } = init;
    let plain = typeof input === "string" && (body === null || typeof body === "string");
    for (const k in init)
      if (!LIGHT_KEYS.has(k) && (init as Record<string, unknown>)[k] !== undefined) plain = false;
    const m = method.toUpperCase();
    // A GET with a body, an odd method: the real constructor throws its own TypeError.
    if (!plain || (body !== null && (m === "GET" || m === "HEAD")) || !/^[A-Z]+$/.test(m)) {
      this.#body = null;
      return new Native(input, init) as unknown as LightRequest;
    }
    const headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    if (body !== null && !headers.has("content-type"))
      headers.set("content-type", "text/plain;charset=UTF-8");
    this.url = input;
    this.method = /^(DELETE|GET|HEAD|OPTIONS|POST|PUT)$/.test(m) ? m : method;
    this.headers = headers;
    this.redirect = init.redirect ?? "follow";
    this.given = init.signal ?? undefined;
    this.#body = body as string | null;
  }

  get signal(): AbortSignal {
    return (this.#signal ??= this.given ?? new AbortController().signal);
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#body === null ? null : (this.#stream ??= new Response(this.#body).body!);
  }

  get bodyUsed(): boolean {
    return this.#used || this.#stream?.locked === true;
  }

  /** The body as bytes, or null without one (no stream made): what the session buffers for replays. */
  bufferedBody(): Promise<Uint8Array<ArrayBuffer>> | null {
    return this.#body === null ? null : this.bytes();
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    if (this.#stream) return new Uint8Array(await new Response(this.#stream).arrayBuffer());
    return utf8.encode(this.#body ?? "");
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async blob(): Promise<Blob> {
    return new Blob([await this.bytes()], { type: this.headers.get("content-type") ?? "" });
  }

  async formData(): Promise<FormData> {
    return new Response(await this.bytes(), { headers: this.headers }).formData();
  }

  clone(): LightRequest {
    if (this.bodyUsed) throw new TypeError("Request.clone: Body has already been consumed");
    const { method, redirect, given: signal } = this;
    const body = this.#stream ? this.#tee() : this.#body;
    const headers = new Headers(this.headers);
    return new LightRequest(this.url, { method, headers, body, redirect, signal: signal ?? null });
  }

  #tee(): ReadableStream<Uint8Array> {
    const [a, b] = this.#stream!.tee();
    this.#stream = a;
    return b;
  }
}

for (const [k, v] of Object.entries(DEFAULTS))
  Object.defineProperty(LightRequest.prototype, k, { get: () => v });
Object.setPrototypeOf(LightRequest.prototype, Native.prototype);

/** The signal the caller gave, if any (a real Request always has one). */
export const signalOf = (req: Request): AbortSignal | undefined =>
  req instanceof LightRequest ? req.given : req.signal;

/** The request body as bytes, or null without one; read once, before the first send, for replays. */
export const bodyBytes = async (req: Request): Promise<Uint8Array<ArrayBuffer> | null> =>
  req instanceof LightRequest ? req.bufferedBody() : req.body && new Uint8Array(await req.arrayBuffer());
