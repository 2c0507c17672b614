/**
 * The heartbeat: `beat` every `periodMs`, each interval jittered by ±`jitter` so that many agents
 * started together do not write in lockstep. Time from the injected scheduler, randomness injected.
 */
import type { SchedulerLike, Subscription } from 'rxjs';

/** One interval: periodMs × (1 ± jitter), from a random number in [0, 1). Pure. */
export function jitteredInterval(periodMs: number, jitter: number, random: number): number {
  return Math.max(1, Math.round(periodMs * (1 + jitter * (2 * random - 1))));
}

export class Heartbeat {
  private timer: Subscription | null = null;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly periodMs: number,
    private readonly jitter: number,
    private readonly random: () => number,
    private readonly beat: () => void,
  ) {}

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (!this.timer) this.next();
  }

  stop(): void {
    this.timer?.unsubscribe();
    this.timer = null;
  }

  private next(): void {
    this.timer = this.scheduler.schedule(() => {
      if (!this.timer) return;
      this.next();
      this.beat();
    }, jitteredInterval(this.periodMs, this.jitter, this.random()));
  }
}
