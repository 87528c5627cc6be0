// An upload's bytes in one growing buffer: no list of chunks and no second copy when it is complete.

export class ByteSink {
  private buffer: Uint8Array;
  private length = 0;

  constructor(initialBytes: number) {
    this.buffer = new Uint8Array(Math.max(1024, initialBytes));
  }

  write(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + chunk.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.length);
    this.length += chunk.length;
  }

  get size(): number {
    return this.length;
  }

  /**
   * Gives back the room preallocated beyond the bytes written when it is large next to them (the first of many files
   * gets the body's size): a copy of the bytes, so never for a buffer that is mostly full.
   */
  fit(): void {
    if (this.buffer.length - this.length > Math.max(64 * 1024, this.length)) this.buffer = this.buffer.slice(0, this.length);
  }

  /** The bytes written, as a view (no copy). */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}
