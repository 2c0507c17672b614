/**
 * Deadlines of ZooKeeper requests, on an injected RxJS scheduler (the layer's one clock).
 *
 * node-zookeeper-client has no request timeout: a request queued on a dead or replaced connection is
 * never answered. ZooKeeper answers in order, so the deadlines are checked by one sweep timer while any
 * request is pending rather than by a timer per request (a sync pipelines thousands of reads).
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { RequestTimeoutError } from './errors.ts';

/** how often request deadlines are checked; a timeout is noticed at most this late */
export const SWEEP_MS = 50;

/** One request's deadline (a class, not a closure per request: reads are pipelined by the thousand). */
export class Deadline {
  constructor(
    readonly deadline: number,
    private readonly op: string,
    private readonly path: string,
    private readonly timeoutMs: number,
    private readonly onTimeout: (err: RequestTimeoutError) => void,
  ) {}

  expire(): void {
    this.onTimeout(new RequestTimeoutError(this.op, this.path, this.timeoutMs));
  }
}

export class Deadlines {
  private readonly pending = new Set<Deadline>();
  private sweep: Subscription | null = null;

  constructor(private readonly scheduler: SchedulerLike) {}

  /** Start a deadline; `onTimeout` runs once it passes unless `settle` came first. */
  start(op: string, path: string, timeoutMs: number, onTimeout: (err: RequestTimeoutError) => void): Deadline {
    const entry = new Deadline(this.scheduler.now() + timeoutMs, op, path, timeoutMs, onTimeout);
    this.pending.add(entry);
    if (!this.sweep) this.sweep = this.scheduleSweep();
    return entry;
  }

  /** The answer came: true when in time (the caller reports it), false when the deadline already fired. */
  settle(entry: Deadline): boolean {
    return this.pending.delete(entry);
  }

  /** `callback`, called once: with the answer, or with a RequestTimeoutError when none came in time. */
  wrap<T>(op: string, path: string, timeoutMs: number, callback: (err: unknown, value?: T) => void): (err: unknown, value?: T) => void {
    const entry = this.start(op, path, timeoutMs, callback);
    return (err, value) => {
      if (this.settle(entry)) callback(err, value);
    };
  }

  /** Stop checking (the owner closed); pending requests are no longer timed. */
  close(): void {
    this.sweep?.unsubscribe();
    this.sweep = null;
    this.pending.clear();
  }

  private scheduleSweep(): Subscription {
    return this.scheduler.schedule(() => this.runSweep(), SWEEP_MS);
  }

  private runSweep(): void {
    const mine = this.sweep;
    const now = this.scheduler.now();
    for (const entry of this.pending) {
      if (entry.deadline <= now) {
        this.pending.delete(entry);
        entry.expire();
      }
    }
    // a request started by an expiry callback above is in `pending` and rides on the next sweep
    if (this.sweep !== mine) return; // closed (and maybe restarted) meanwhile
    this.sweep = this.pending.size > 0 ? this.scheduleSweep() : null;
  }
}
