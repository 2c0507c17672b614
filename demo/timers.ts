/** A bag of timers that can all be cleared at once; callbacks never throw out of a timer. */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private disposed = false;

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Runs `fn` once after `ms`; a rejected promise or throw goes to onError. */
  after(ms: number, fn: () => unknown): void {
    if (this.disposed) return;
    const t = setTimeout(() => {
      this.pending.delete(t);
      this.run(fn);
    }, Math.max(0, ms));
    this.pending.add(t);
  }

  /** Runs `fn` every `ms` until cleared. */
  every(ms: number, fn: () => unknown): void {
    if (this.disposed) return;
    const t = setInterval(() => this.run(fn), Math.max(1, ms));
    this.pending.add(t);
  }

  clear(): void {
    this.disposed = true;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }

  private run(fn: () => unknown): void {
    try {
      const r = fn();
      if (r instanceof Promise) r.catch(this.onError);
    } catch (err) {
      this.onError(err);
    }
  }
}

/**
 * Plays timed events one after the other: each runs `at - previous.at` after the one before it has finished
 * (a failed one does not stop the rest; its error goes to the timers' onError).
 */
export function playInOrder<E extends { at: number }>(timers: Timers, events: Iterator<E>, play: (event: E) => Promise<void>): void {
  const playFrom = (previousAt: number): void => {
    const next = events.next();
    if (next.done) return;
    const event = next.value;
    timers.after(event.at - previousAt, async () => {
      try {
        await play(event);
      } finally {
        playFrom(event.at);
      }
    });
  };
  playFrom(0);
}
