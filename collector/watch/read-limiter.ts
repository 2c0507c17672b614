/**
 * Bounds how many reads the watch layer has in flight. A sync of 10,000 nodes pipelines its reads;
 * issuing them all at once gains nothing once the connection is busy, and holds 10,000 requests,
 * callbacks and replies in memory together (the heap V8 grows for that peak is never given back).
 */
export class ReadLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private head = 0;
  private draining = false;

  constructor(private readonly max: number) {}

  /** Takes a slot when one is free (true); the caller must `release()` it when its read is answered. */
  tryAcquire(): boolean {
    if (this.active >= this.max || this.head < this.waiting.length) return false;
    this.active++;
    return true;
  }

  /** Runs `start` once a slot is free, in order of arrival; `start` must `release()` it later. */
  acquire(start: () => void): void {
    if (this.tryAcquire()) start();
    else this.waiting.push(start);
  }

  release(): void {
    this.active--;
    // a read answered at once (a closed connection fails it synchronously) releases inside `next()`:
    // the loop below picks that slot up instead of recursing once per waiting read
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.active < this.max && this.head < this.waiting.length) {
        this.active++;
        const next = this.waiting[this.head++]!;
        if (this.head > 1024 && this.head * 2 > this.waiting.length) {
          this.waiting.splice(0, this.head);
          this.head = 0;
        }
        next();
      }
    } finally {
      this.draining = false;
    }
  }
}
