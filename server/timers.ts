/**
 * One-shot timers on an RxJS scheduler, all cancelled at once when their owner stops: the running
 * collector's retries (alerting start, role change, HA election). The scheduler is the clock, so a test
 * can run them in virtual time.
 */
import { Subscription, type SchedulerLike } from 'rxjs';

export class Timers {
  private readonly pending = new Subscription();

  constructor(private readonly scheduler: SchedulerLike) {}

  /** Run `fn` after `ms`, unless cancelAll() comes first (after it, nothing is scheduled any more). */
  later(ms: number, fn: () => void): void {
    const action = this.scheduler.schedule(() => {
      // a finished action is dropped, so a retry every second for a day keeps nothing
      this.pending.remove(action);
      fn();
    }, Math.max(0, ms));
    this.pending.add(action);
  }

  cancelAll(): void {
    this.pending.unsubscribe();
  }
}

/** True once `work` has settled, false once `ms` have passed first on `scheduler` (the work then goes on unwatched). */
export function withDeadline(work: Promise<unknown>, ms: number, scheduler: SchedulerLike): Promise<boolean> {
  let timer: Subscription | undefined;
  const deadline = new Promise<boolean>((resolve) => (timer = scheduler.schedule(() => resolve(false), ms)));
  const settled = work.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, deadline]).finally(() => timer?.unsubscribe());
}
