// Splits a byte stream into whole messages. A message that fits in the current read is a zero-copy
// view of it; one that spans reads is allocated once, at its final size, as soon as its 16-byte
// fixed header is known, and filled in place — never grown by concatenation (which is quadratic).
import { frameLength } from './message';

const FIXED_HEADER = 16;

export class Framer {
  private readonly header = Buffer.alloc(FIXED_HEADER);
  private headerFill = 0;
  private frame: Buffer | null = null;
  private fill = 0;

  /** Bytes of an incomplete message held back (0 between messages). */
  get pending(): number {
    return this.frame ? this.fill : this.headerFill;
  }

  /**
   * Feeds one read. Complete messages are appended to `out` in stream order.
   * Throws ProtocolError (bad endianness, version or over a limit) — the stream is then unusable.
   */
  push(chunk: Buffer, out: Buffer[]): void {
    let offset = 0;
    const length = chunk.length;
    while (offset < length) {
      if (this.frame) {
        const take = Math.min(this.frame.length - this.fill, length - offset);
        chunk.copy(this.frame, this.fill, offset, offset + take);
        this.fill += take;
        offset += take;
        if (this.fill === this.frame.length) {
          out.push(this.frame);
          this.frame = null;
        }
        continue;
      }
      if (this.headerFill === 0 && length - offset >= FIXED_HEADER) {
        const total = frameLength(chunk, offset);
        if (length - offset >= total) {
          out.push(chunk.subarray(offset, offset + total));
          offset += total;
        } else {
          this.frame = Buffer.allocUnsafe(total);
          chunk.copy(this.frame, 0, offset, length);
          this.fill = length - offset;
          offset = length;
        }
        continue;
      }
      const take = Math.min(FIXED_HEADER - this.headerFill, length - offset);
      chunk.copy(this.header, this.headerFill, offset, offset + take);
      this.headerFill += take;
      offset += take;
      if (this.headerFill < FIXED_HEADER) continue;
      this.headerFill = 0;
      const total = frameLength(this.header, 0);
      this.frame = Buffer.allocUnsafe(total);
      this.header.copy(this.frame, 0, 0, FIXED_HEADER);
      this.fill = FIXED_HEADER;
      if (total === FIXED_HEADER) {
        out.push(this.frame);
        this.frame = null;
      }
    }
  }
}
