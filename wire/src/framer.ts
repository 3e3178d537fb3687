// Splits a byte stream into whole messages. A message that spans reads is allocated once, at its
// final size, as soon as its 16-byte fixed header is known, and filled in place — never grown by
// concatenation (which is quadratic). One that fits in the current read is a zero-copy view of it,
// or, when reads land in a reused buffer (`copy`), a copy made with a single allocation too.
import { frameLength } from './message';

const FIXED_HEADER = 16;

export class Framer {
  private readonly header = Buffer.alloc(FIXED_HEADER);
  private headerFill = 0;
  private frame: Buffer | null = null;
  private fill = 0;

  /** @param copy the caller reuses its read buffer: never return views into a read. */
  constructor(private readonly copy = false) {}

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
          const view = chunk.subarray(offset, offset + total);
          out.push(this.copy ? copyOf(view) : view);
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

function copyOf(bytes: Buffer): Buffer {
  const copy = Buffer.allocUnsafe(bytes.length);
  bytes.copy(copy);
  return copy;
}
