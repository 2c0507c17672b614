/**
 * Bounds how many reads the watch layer has in flight. A sync of 10,000 nodes pipelines its reads;
 * issuing them all at once gains nothing once the connection is busy, and holds 10,000 requests,
 * callbacks and replies in memory together (the heap V8 grows for that peak is never given back).
 */
export class ReadLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private head = 0;

  constructor(private readonly max: number) {}

  async run<T>(read: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await read();
    } finally {
      this.release();
    }
  }

  private release(): void {
    if (this.head < this.waiting.length) {
      // hand the slot straight to the next reader (active stays the same)
      const next = this.waiting[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      next();
    } else {
      this.active--;
    }
  }
}
