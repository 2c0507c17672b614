/**
 * Per-key write coalescing: at most one write per key every `minIntervalMs`; values pushed in
 * between replace each other and the last one is written when the window ends (never dropped).
 * Time comes from the injected RxJS scheduler (a VirtualTimeScheduler in tests).
 */
import type { SchedulerLike, Subscription } from 'rxjs';

export class Coalescer<V> {
  private readonly lastWrite = new Map<string, number>();
  private readonly pending = new Map<string, { value: V; timer: Subscription }>();

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly minIntervalMs: number,
    private readonly write: (key: string, value: V) => void,
  ) {}

  push(key: string, value: V): void {
    const waiting = this.pending.get(key);
    if (waiting) {
      waiting.value = value;
      return;
    }
    const now = this.scheduler.now();
    const last = this.lastWrite.get(key);
    if (last === undefined || now - last >= this.minIntervalMs) {
      this.emit(key, value, now);
      return;
    }
    const timer = this.scheduler.schedule(() => {
      const entry = this.pending.get(key);
      this.pending.delete(key);
      if (entry) this.emit(key, entry.value, this.scheduler.now());
    }, last + this.minIntervalMs - now);
    this.pending.set(key, { value, timer });
  }

  /** Drop a pending value of `key` (a final value supersedes it) and forget its window. */
  cancel(key: string): void {
    this.pending.get(key)?.timer.unsubscribe();
    this.pending.delete(key);
    this.lastWrite.delete(key);
  }

  dispose(): void {
    for (const key of [...this.pending.keys()]) this.cancel(key);
    this.lastWrite.clear();
  }

  private emit(key: string, value: V, now: number): void {
    this.lastWrite.set(key, now);
    this.write(key, value);
  }
}
