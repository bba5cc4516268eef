// The Node transport's answer for a body it has already read whole. `new Response(bytes)` and its `json()`
// go through a web stream (≈ 57 µs a request in a hot loop, more in a real one); this subclass keeps the
// bytes and reads them directly. `body` is made only if someone asks for the stream; `instanceof Response`,
// status, headers and `ok` are the real Response's.

const utf8 = new TextDecoder();

export class BufferedResponse extends Response {
  #bytes: Uint8Array<ArrayBuffer>;
  #url: string;
  #used = false;
  #stream: ReadableStream<Uint8Array> | undefined;

  constructor(bytes: Uint8Array<ArrayBuffer>, init: ResponseInit, url: string) {
    super(null, init);
    this.#bytes = bytes;
    this.#url = url;
  }

  override get url(): string {
    return this.#url;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return (this.#stream ??= new Response(this.#bytes).body!) as ReadableStream<Uint8Array<ArrayBuffer>>;
  }

  override get bodyUsed(): boolean {
    return this.#used || this.#stream?.locked === true;
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    if (this.#stream) return new Uint8Array(await new Response(this.#stream).arrayBuffer());
    return this.#bytes;
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const b = await this.bytes();
    return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.slice().buffer;
  }

  override async text(): Promise<string> {
    return utf8.decode(await this.bytes());
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  override async blob(): Promise<Blob> {
    return new Blob([await this.bytes()], { type: this.headers.get("content-type") ?? "" });
  }

  override async formData(): Promise<FormData> {
    return new Response(await this.bytes(), { headers: this.headers }).formData();
  }

  override clone(): Response {
    if (this.bodyUsed) throw new TypeError("Response.clone: Body has already been consumed");
    const init = { status: this.status, statusText: this.statusText, headers: new Headers(this.headers) };
    if (!this.#stream) return new BufferedResponse(this.#bytes.slice(), init, this.#url);
    const [a, b] = this.#stream.tee();
    this.#stream = a;
    return new BufferedResponse(new Uint8Array(), init, this.#url).#streamed(b);
  }

  #streamed(stream: ReadableStream<Uint8Array>): this {
    this.#stream = stream;
    return this;
  }
}
