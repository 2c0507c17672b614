/**
 * Virtual time for replay: an RxJS VirtualTimeScheduler whose `now()` is epoch milliseconds
 * (it starts at the first recorded event's time), driven step by step instead of flushed at once.
 *
 * Why step by step: the notifier delivers through promises. After each scheduled action the
 * driver lets the microtasks it started settle (`settle`) before the next action runs, so a
 * delivery finishes at the virtual instant it started, whatever the machine's speed.
 */
import { Subscription, VirtualAction, VirtualTimeScheduler } from 'rxjs';

/** Runs due actions of `scheduler` one by one, up to and including virtual time `until`, then sets the clock to `until`. */
export async function advanceTo(
  scheduler: VirtualTimeScheduler,
  until: number,
  settle?: () => Promise<void> | void,
): Promise<number> {
  const { actions } = scheduler;
  let ran = 0;
  for (let action = actions[0] as VirtualAction<unknown> | undefined; action && action.delay <= until; action = actions[0] as VirtualAction<unknown> | undefined) {
    actions.shift();
    scheduler.frame = action.delay;
    const error = action.execute(action.state, action.delay);
    if (error) {
      // like VirtualTimeScheduler.flush: a failing action stops the clock
      while ((action = actions.shift() as VirtualAction<unknown> | undefined)) action.unsubscribe();
      throw error;
    }
    ran++;
    if (settle) await settle();
  }
  if (until > scheduler.frame) scheduler.frame = until;
  return ran;
}

/**
 * An action that re-queues ITSELF when it reschedules (as AsyncAction does with real timers).
 * VirtualAction instead chains a new child action per period, so an `interval` running for hours
 * of virtual time builds a chain thousands deep that overflows the stack when unsubscribed.
 */
class ReplayAction<T> extends VirtualAction<T> {
  override schedule(state?: T, delay = 0): Subscription {
    if (!Number.isFinite(delay) || this.closed) return Subscription.EMPTY;
    const scheduler = this.scheduler;
    const { actions } = scheduler;
    const queued = actions.indexOf(this);
    if (queued !== -1) actions.splice(queued, 1);
    this.state = state;
    this.index = scheduler.index += 1;
    this.delay = scheduler.frame + delay;
    this.pending = true;
    this.id = 1;
    // insert in (delay, index) order; the index is the newest, so it goes after equal delays
    let lo = 0;
    let hi = actions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((actions[mid] as ReplayAction<unknown>).delay <= this.delay) lo = mid + 1;
      else hi = mid;
    }
    actions.splice(lo, 0, this);
    return this;
  }
}

export class ReplayScheduler extends VirtualTimeScheduler {
  constructor(startMs: number) {
    super(ReplayAction as unknown as typeof VirtualAction, Infinity);
    this.frame = startMs;
  }

  /**
   * When no action is due by `until`: moves the clock there (as advanceTo would) and returns true,
   * synchronously. Otherwise does nothing and returns false (then call advanceTo).
   */
  advanceToIdle(until: number): boolean {
    const next = this.actions[0] as VirtualAction<unknown> | undefined;
    if (next !== undefined && next.delay <= Math.max(until, this.frame)) return false;
    if (until > this.frame) this.frame = until;
    return true;
  }

  /** See advanceTo. Time never goes backwards: an `until` in the past runs nothing. */
  advanceTo(until: number, settle?: () => Promise<void> | void): Promise<number> {
    return advanceTo(this, Math.max(until, this.frame), settle);
  }
}
