/**
 * Buffered line output that respects the destination's backpressure (a slow pipe never makes the CLI
 * buffer the whole file).
 *
 * @module
 */

/** Where lines go: a writable with `write` and the `drain` event (process.stdout in production). */
export interface LineSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** Collects lines and writes them in ~64 KiB chunks, waiting for `drain` when the sink is full. */
export class LineWriter {
  readonly #sink: LineSink;
  #parts: string[] = [];
  #size = 0;
  constructor(sink: LineSink) {
    this.#sink = sink;
  }
  /** Queue one line (a newline is added); resolves immediately unless a flush had to wait. */
  async line(text: string): Promise<void> {
    this.#parts.push(text, '\n');
    this.#size += text.length + 1;
    if (this.#size >= 65_536) await this.flush();
  }
  /** Write what is queued. */
  async flush(): Promise<void> {
    if (this.#size === 0) return;
    const chunk = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    if (!this.#sink.write(chunk)) await new Promise<void>((resolve) => this.#sink.once('drain', resolve));
  }
}
