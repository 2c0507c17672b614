/**
 * The simulated master–worker application behind `zkpulse demo`: candidates electing a master, workers
 * beating and running tasks, a task generator, and the failures of chaos-plan.ts: now and then a worker
 * crashes (or restarts on purpose), more rarely the master, and a supervisor starts the same process
 * again a few seconds later. Every process is its own plain ZooKeeper session following docs/contract.md §2,
 * so the collector sees exactly what it would see from a real application.
 */
import { SimCandidate } from './candidate.ts';
import { chaosPlan, DEMO_CHAOS, defaultMaxDown, type ChaosEvent } from './chaos-plan.ts';
import { jitter, type SimContext } from './context.ts';
import { zkpulsePaths } from '../contract/zkpulse/paths.ts';
import { describeError } from './sim-session.ts';
import { TaskGenerator } from './task-generator.ts';
import { playInOrder, Timers } from './timers.ts';
import { SimWorker } from './worker.ts';

export interface SimulatedClusterOptions {
  connectString: string;
  /** The cluster root R, e.g. `/apps/crawler`. */
  root: string;
  /** Worker processes kept running (default 8), `worker-1` … `worker-<n>`. */
  workers?: number;
  /** Master candidates: 1 master + standbys (default 3). */
  candidates?: number;
  /** Heartbeat period written into each worker node (default 1000). */
  heartbeatMs?: number;
  /** Mean time between two worker disruptions, a crash or (a quarter of them) a restart on purpose (default 30000); 0 = never. */
  crashEveryMs?: number;
  /** Mean time between master crashes (default 180000); 0 = never. */
  masterCrashEveryMs?: number;
  /** A new task this often while fewer than 2× workers are pending (default 1500). */
  taskEveryMs?: number;
  /** Source of every random choice (default Math.random). */
  random?: () => number;
  log?: (line: string) => void;
  /** Added: session timeout of each simulated process (default 4000). */
  sessionTimeoutMs?: number;
  /** Added: mean delay before the supervisor starts a process that went down again (default 3000). */
  restartDelayMs?: number;
  /** Added: at most this many workers down at once (default a quarter of them, at least 1). */
  maxDown?: number;
  /** Added: share of worker disruptions that are a restart on purpose rather than a crash (default 0.25). */
  leaveShare?: number;
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
  const restartDelayMs = opts.restartDelayMs ?? DEMO_CHAOS.restartDelayMs;
  const log = opts.log ?? (() => {});
  const ctx: SimContext = {
    connectString: opts.connectString,
    sessionTimeout: opts.sessionTimeoutMs ?? 4000,
    paths: zkpulsePaths(opts.root.replace(/\/+$/, '')),
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
  /** ids with a start scheduled or under way: the supervisor starts each process once */
  const comingUp = new Set<string>();
  const starting = new Set<Promise<unknown>>();
  const dying = new Set<Promise<unknown>>();
  /** Ends a process (a crash or leaving on purpose); stop() waits for sessions still closing. */
  const end = (closing: Promise<void>): Promise<void> => {
    dying.add(closing);
    return closing.finally(() => dying.delete(closing));
  };

  /** Starts a process; one that finishes starting after stop() leaves at once; a failed start is retried. */
  const spawn = <P extends { leave(): Promise<void> }>(id: string, start: () => Promise<P>, keep: (p: P) => void): Promise<void> => {
    comingUp.add(id);
    const run = start().then(
      async (proc) => {
        comingUp.delete(id);
        if (stopping) await proc.leave();
        else keep(proc);
      },
      (err) => {
        if (stopping) return;
        log(`demo: ${id} did not start (${describeError(err)}), retrying`);
        timers.after(restartDelayMs, () => spawn(id, start, keep));
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

  /** The supervisor: starts `id` again unless it is up or already coming up. */
  const restart = (id: string, start: (id: string) => Promise<void>, isUp: boolean): void => {
    if (stopping || isUp || comingUp.has(id)) return;
    log(`${id}: restarted by its supervisor`);
    void start(id);
  };
  const restartWorker = (id: string): void => restart(id, startWorker, workers.has(id));
  const restartCandidate = (id: string): void => restart(id, startCandidate, candidates.has(id));

  /** A session the server expired (not planned): the supervisor starts the process again after its delay. */
  function onWorkerExpired(w: SimWorker): void {
    if (stopping || workers.get(w.id) !== w) return;
    workers.delete(w.id);
    log(`${w.id}: session expired`);
    void end(w.crash()).then(() => timers.after(jitter(ctx.random, restartDelayMs), () => restartWorker(w.id)));
  }

  function onCandidateExpired(c: SimCandidate): void {
    if (stopping || candidates.get(c.id) !== c) return;
    candidates.delete(c.id);
    log(`${c.id}: session expired`);
    void end(c.crash()).then(() => timers.after(jitter(ctx.random, restartDelayMs), () => restartCandidate(c.id)));
  }

  /** candidates of master crashes, oldest first: each `candidateUp` starts the oldest again */
  const crashedCandidates: string[] = [];

  const play = async (event: ChaosEvent): Promise<void> => {
    switch (event.kind) {
      case 'workerDown': {
        const w = workers.get(event.worker);
        if (!w) return; // down already (its session expired, or it is still starting)
        workers.delete(w.id);
        if (event.how === 'crash') {
          log(`${w.id}: CRASH (session closed without leaving${w.isBusy ? ', task in flight' : ''})`);
          await end(w.crash());
        } else {
          log(`${w.id}: restarting on purpose (leaves first)`);
          await end(w.leave());
        }
        return;
      }
      case 'workerUp':
        return restartWorker(event.worker);
      case 'masterCrash': {
        const master = [...candidates.values()].find((c) => c.isMaster);
        if (!master) return; // between masters right now
        candidates.delete(master.id);
        crashedCandidates.push(master.id);
        log(`${master.id}: CRASH of the master (standby takes over)`);
        await end(master.crash());
        return;
      }
      case 'candidateUp': {
        const id = crashedCandidates.shift();
        if (id !== undefined) restartCandidate(id);
        return;
      }
    }
  };

  const generator = await TaskGenerator.start(ctx, opts.taskEveryMs ?? 1500, () => 2 * workerCount);
  const workerIds = Array.from({ length: workerCount }, (_, i) => `worker-${i + 1}`);
  try {
    // one at a time, so the first candidate holds the lowest sequence and becomes master
    for (let i = 1; i <= candidateCount; i++) await startCandidate(`candidate-${i}`);
    await Promise.all(workerIds.map(startWorker));
  } catch (err) {
    stopping = true;
    await generator.stop();
    throw err;
  }

  // the plan's times are relative to its start; each event is played after the gap since the previous one
  const plan = chaosPlan(
    {
      workers: workerIds,
      workerEveryMs: opts.crashEveryMs ?? DEMO_CHAOS.workerEveryMs,
      masterEveryMs: opts.masterCrashEveryMs ?? DEMO_CHAOS.masterEveryMs,
      restartDelayMs,
      leaveShare: opts.leaveShare ?? DEMO_CHAOS.leaveShare,
      maxDown: opts.maxDown ?? defaultMaxDown(workerCount),
    },
    ctx.random,
  );
  playInOrder(timers, plan, play);
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
