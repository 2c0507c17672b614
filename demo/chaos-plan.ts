/**
 * When the demo's simulated processes fail, as a pure plan: now and then a worker goes down (mostly a
 * crash, sometimes a restart on purpose) and a supervisor starts the same worker again a few seconds
 * later; more rarely the master crashes, a standby takes over, and the crashed candidate is started
 * again. Never more than `maxDown` workers are down at once, and master crashes keep far enough apart
 * that MasterFlapping's default (3 changes in 5 minutes) does not fire: a steady state shows an alert
 * now and then, not a cluster in ruins.
 *
 * Times are milliseconds since the plan began; the simulation plays the events with timers.
 */
export type ChaosEvent =
  | { at: number; kind: 'workerDown'; worker: string; how: 'crash' | 'leave' }
  /** the supervisor starts the worker again: a new session, the same id */
  | { at: number; kind: 'workerUp'; worker: string }
  /** the active master crashes (the simulation skips it while there is none) */
  | { at: number; kind: 'masterCrash' }
  /** the supervisor starts the candidate of the last master crash again */
  | { at: number; kind: 'candidateUp' };

export interface ChaosOptions {
  /** the workers' ids */
  workers: readonly string[];
  /** mean time between two worker disruptions; 0 = none */
  workerEveryMs: number;
  /** mean time between two master crashes; 0 = none */
  masterEveryMs: number;
  /** mean time a supervisor takes to start a process again */
  restartDelayMs: number;
  /** share of worker disruptions that are a restart on purpose ("leaving") rather than a crash, 0..1 */
  leaveShare: number;
  /** at most this many workers down at once: a disruption due while that many are down is skipped */
  maxDown: number;
}

/** What the demo runs unless told otherwise (`zkpulse demo`, the compose file's demo service). */
export const DEMO_CHAOS = {
  workerEveryMs: 30_000,
  masterEveryMs: 180_000,
  restartDelayMs: 3_000,
  leaveShare: 0.25,
} as const;

/** A quarter of the workers, at least one. */
export const defaultMaxDown = (workers: number): number => Math.max(1, Math.floor(workers / 4));

/** `mean` scaled by a factor in [1 - width/2, 1 + width/2). */
function spread(random: () => number, mean: number, width: number): number {
  return Math.round(mean * (1 - width / 2 + width * random()));
}

// Worker disruptions and restarts vary by ±25 %; master crashes only by ±15 %, so that three of them
// (MasterFlapping's default) never fall into 5 minutes at the default mean of 3 minutes.
const WORKER_SPREAD = 0.5;
const MASTER_SPREAD = 0.3;

/** The events in time order, without end (unless both rates are 0). */
export function* chaosPlan(opts: ChaosOptions, random: () => number): Generator<ChaosEvent, void, undefined> {
  const down = new Set<string>();
  /** restarts to come, earliest first */
  const restarts: Array<Extract<ChaosEvent, { kind: 'workerUp' | 'candidateUp' }>> = [];
  const later = (e: (typeof restarts)[number]): void => {
    const i = restarts.findIndex((r) => r.at > e.at);
    restarts.splice(i < 0 ? restarts.length : i, 0, e);
  };
  // at least 1 ms apart, so that a tiny mean cannot stall the plan at one instant
  const on = (mean: number, width: number): number => (mean > 0 && Number.isFinite(mean) ? Math.max(1, spread(random, mean, width)) : Infinity);
  // the first of each comes after a third of the mean, so that someone who just opened the page sees
  // one soon; the gaps after it are what keeps failovers apart
  let nextWorker = on(opts.workerEveryMs / 3, WORKER_SPREAD);
  let nextMaster = on(opts.masterEveryMs / 3, MASTER_SPREAD);

  for (;;) {
    const restart = restarts[0];
    const at = Math.min(nextWorker, nextMaster, restart?.at ?? Infinity);
    if (at === Infinity) return;
    if (restart !== undefined && restart.at === at) {
      restarts.shift();
      if (restart.kind === 'workerUp') down.delete(restart.worker);
      yield restart;
    } else if (at === nextMaster) {
      nextMaster += on(opts.masterEveryMs, MASTER_SPREAD);
      later({ at: at + spread(random, opts.restartDelayMs, WORKER_SPREAD), kind: 'candidateUp' });
      yield { at, kind: 'masterCrash' };
    } else {
      nextWorker += on(opts.workerEveryMs, WORKER_SPREAD);
      const up = opts.workers.filter((w) => !down.has(w));
      if (down.size >= opts.maxDown || up.length === 0) continue;
      const worker = up[Math.min(up.length - 1, Math.floor(random() * up.length))] as string;
      const how = random() < opts.leaveShare ? 'leave' : 'crash';
      down.add(worker);
      later({ at: at + spread(random, opts.restartDelayMs, WORKER_SPREAD), kind: 'workerUp', worker });
      yield { at, kind: 'workerDown', worker, how };
    }
  }
}
