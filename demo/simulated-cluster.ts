/**
 * The simulated master–worker application behind `zkpulse demo`: candidates electing a master, workers
 * beating and running tasks, a task generator, and now and then a crash (a worker, more rarely the master)
 * followed by a replacement. Every process is its own plain ZooKeeper session following contract §2,
 * so the collector sees exactly what it would see from a real application.
 */
import { SimCandidate } from './candidate.ts';
import { jitter, type SimContext } from './context.ts';
import { paths } from './layout.ts';
import { describeError } from './sim-session.ts';
import { TaskGenerator } from './task-generator.ts';
import { Timers } from './timers.ts';
import { SimWorker } from './worker.ts';

export interface SimulatedClusterOptions {
  connectString: string;
  /** The cluster root R, e.g. `/apps/crawler`. */
  root: string;
  /** Worker processes kept running (default 8). */
  workers?: number;
  /** Master candidates: 1 master + standbys (default 3). */
  candidates?: number;
  /** Heartbeat period written into each worker node (default 1000). */
  heartbeatMs?: number;
  /** Mean time between worker crashes (default 20000); 0 = never. */
  crashEveryMs?: number;
  /** Mean time between master crashes (default 60000); 0 = never. */
  masterCrashEveryMs?: number;
  /** A new task this often while fewer than 2× workers are pending (default 1500). */
  taskEveryMs?: number;
  /** Source of every random choice (default Math.random). */
  random?: () => number;
  log?: (line: string) => void;
  /** Added: session timeout of each simulated process (default 4000). */
  sessionTimeoutMs?: number;
  /** Added: mean delay before a crashed process is replaced (default 3000). */
  restartDelayMs?: number;
  /** Added: time between two progress writes of a running task (default 300). */
  taskStepMs?: number;
  /** Added: chance that a task fails half-way and is handed back (default 0.03; 0 = never). */
  taskFailureRate?: number;
  /** Added: clock for the times written into znodes (default Date.now). */
  now?: () => number;
}

export interface SimulatedCluster {
  /** Every process leaves on purpose; resolves when all sessions are closed. Idempotent. */
  stop(): Promise<void>;
}

export async function startSimulatedCluster(opts: SimulatedClusterOptions): Promise<SimulatedCluster> {
  const workerCount = opts.workers ?? 8;
  const candidateCount = opts.candidates ?? 3;
  const crashEveryMs = opts.crashEveryMs ?? 20_000;
  const masterCrashEveryMs = opts.masterCrashEveryMs ?? 60_000;
  const restartDelayMs = opts.restartDelayMs ?? 3000;
  const log = opts.log ?? (() => {});
  const ctx: SimContext = {
    connectString: opts.connectString,
    sessionTimeout: opts.sessionTimeoutMs ?? 4000,
    paths: paths(opts.root.replace(/\/+$/, '')),
    heartbeatMs: opts.heartbeatMs ?? 1000,
    taskStepMs: opts.taskStepMs ?? 300,
    failureRate: opts.taskFailureRate ?? 0.03,
    random: opts.random ?? Math.random,
    now: opts.now ?? Date.now,
    log,
  };

  let stopping = false;
  const timers = new Timers((err) => {
    if (!stopping) log(`demo: ${describeError(err)}`);
  });
  const workers = new Map<string, SimWorker>();
  const candidates = new Map<string, SimCandidate>();
  const starting = new Set<Promise<unknown>>();
  const dying = new Set<Promise<unknown>>();
  /** Crashes a process; stop() waits for sessions still closing. */
  const kill = (proc: { crash(): Promise<void> }): Promise<void> => {
    const closing = proc.crash();
    dying.add(closing);
    return closing.finally(() => dying.delete(closing));
  };
  let workerSerial = 0;
  let candidateSerial = 0;

  /** Starts a process; one that finishes starting after stop() leaves at once; a failed start is retried. */
  const spawn = <P extends { leave(): Promise<void> }>(what: string, start: () => Promise<P>, keep: (p: P) => void): Promise<void> => {
    const run = start().then(
      async (proc) => {
        if (stopping) await proc.leave();
        else keep(proc);
      },
      (err) => {
        if (stopping) return;
        log(`demo: ${what} did not start (${describeError(err)}), retrying`);
        timers.after(restartDelayMs, () => spawn(what, start, keep));
      },
    );
    starting.add(run);
    return run.finally(() => starting.delete(run));
  };

  const startWorker = (id: string): Promise<void> =>
    spawn(
      id,
      () => SimWorker.start(ctx, id, onWorkerExpired),
      (w) => {
        workers.set(w.id, w);
        log(`${w.id}: up`);
      },
    );

  const startCandidate = (id: string): Promise<void> =>
    spawn(
      id,
      () => SimCandidate.start(ctx, id, onCandidateExpired),
      (c) => {
        candidates.set(c.id, c);
        log(`${c.id}: candidate up${c.isMaster ? ' (master)' : ''}`);
      },
    );

  const replaceWorker = (oldId: string): void => {
    // mostly a new process id; sometimes the same one, as a restarted service would
    const id = ctx.random() < 0.25 ? oldId : `worker-${++workerSerial}`;
    timers.after(jitter(ctx.random, restartDelayMs), () => startWorker(id));
  };

  const replaceCandidate = (): void => {
    timers.after(jitter(ctx.random, restartDelayMs), () => startCandidate(`candidate-${++candidateSerial}`));
  };

  function onWorkerExpired(w: SimWorker): void {
    if (stopping || workers.get(w.id) !== w) return;
    workers.delete(w.id);
    log(`${w.id}: session expired`);
    void kill(w).then(() => replaceWorker(w.id));
  }

  function onCandidateExpired(c: SimCandidate): void {
    if (stopping || candidates.get(c.id) !== c) return;
    candidates.delete(c.id);
    log(`${c.id}: session expired`);
    void kill(c).then(replaceCandidate);
  }

  const crashAWorker = async (): Promise<void> => {
    const ids = [...workers.keys()].sort();
    if (ids.length === 0) return;
    const id = ids[Math.min(ids.length - 1, Math.floor(ctx.random() * ids.length))] as string;
    const w = workers.get(id) as SimWorker;
    workers.delete(id);
    log(`${id}: CRASH (session closed without leaving${w.isBusy ? ', task in flight' : ''})`);
    await kill(w);
    replaceWorker(id);
  };

  const crashTheMaster = async (): Promise<void> => {
    const master = [...candidates.values()].find((c) => c.isMaster);
    if (!master) return; // between masters right now
    candidates.delete(master.id);
    log(`${master.id}: CRASH of the master (standby takes over)`);
    await kill(master);
    replaceCandidate();
  };

  const every = (meanMs: number, fn: () => Promise<void>): void => {
    if (!(meanMs > 0) || !Number.isFinite(meanMs)) return;
    const schedule = (): void =>
      timers.after(jitter(ctx.random, meanMs), async () => {
        try {
          await fn();
        } finally {
          schedule();
        }
      });
    schedule();
  };

  const generator = await TaskGenerator.start(ctx, opts.taskEveryMs ?? 1500, () => 2 * workerCount);
  try {
    // one at a time, so the first candidate holds the lowest sequence and becomes master
    for (let i = 0; i < candidateCount; i++) await startCandidate(`candidate-${++candidateSerial}`);
    await Promise.all(Array.from({ length: workerCount }, () => startWorker(`worker-${++workerSerial}`)));
  } catch (err) {
    stopping = true;
    await generator.stop();
    throw err;
  }
  every(crashEveryMs, crashAWorker);
  every(masterCrashEveryMs, crashTheMaster);
  log(`demo: ${candidateCount} candidates and ${workerCount} workers under ${opts.root}`);

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    stopping = true;
    timers.clear();
    await Promise.allSettled([...starting, ...dying]);
    await generator.stop();
    // no more assigning while the workers leave
    for (const c of candidates.values()) c.stopActing();
    await Promise.allSettled([...workers.values()].map((w) => w.leave()));
    workers.clear();
    // standbys first, so leaving does not set off one failover after another
    const all = [...candidates.values()];
    await Promise.allSettled(all.filter((c) => !c.isMaster).map((c) => c.leave()));
    await Promise.allSettled(all.filter((c) => c.isMaster).map((c) => c.leave()));
    candidates.clear();
    log('demo: stopped');
  };
  return {
    stop: () => (stopped ??= stop()),
  };
}
