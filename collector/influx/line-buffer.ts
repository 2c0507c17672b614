/**
 * The writer's bounded FIFO of encoded lines. Every line has an absolute sequence number, so a batch
 * taken as [start, end) can be acknowledged after the request returns even if, meanwhile, the oldest
 * lines were dropped to stay under the bound.
 */
export class LineBuffer {
  private lines: string[] = [];
  /** sequence number of lines[0] */
  private offset = 0;
  /** sequence number of the oldest line still buffered (>= offset) */
  private head = 0;

  constructor(private readonly max: number) {
    if (!(max >= 1)) throw new Error(`maxBuffer must be >= 1, got ${max}`);
  }

  get size(): number {
    return this.offset + this.lines.length - this.head;
  }

  /** Appends; returns how many of the oldest lines were dropped to keep at most `max`. */
  push(line: string): number {
    this.lines.push(line);
    const excess = this.size - this.max;
    if (excess <= 0) return 0;
    this.head += excess;
    this.compact();
    return excess;
  }

  /** Up to n of the oldest lines, with their sequence range [start, end). */
  peek(n: number): { start: number; end: number; lines: string[] } {
    const from = this.head - this.offset;
    const lines = this.lines.slice(from, from + n);
    return { start: this.head, end: this.head + lines.length, lines };
  }

  /** Removes everything before `end`; returns how many lines were still buffered and are now gone. */
  ack(end: number): number {
    const removed = Math.max(0, end - this.head);
    this.head = Math.max(this.head, end);
    this.compact();
    return removed;
  }

  /** Empties the buffer; returns how many lines it held. */
  clear(): number {
    const n = this.size;
    this.offset = this.head = this.head + n;
    this.lines = [];
    return n;
  }

  private compact(): void {
    const dead = this.head - this.offset;
    if (dead > 1024 && dead * 2 > this.lines.length) {
      this.lines = this.lines.slice(dead);
      this.offset = this.head;
    }
  }
}
