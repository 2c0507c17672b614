/**
 * The supervisor and chaos of `zkpulse demo --layout <name>` for programs that are not written for zkpulse
 * (docs/contract.md §8): a set of processes, each its own plain ZooKeeper session writing what the upstream
 * program writes, killed now and then (chaos-plan.ts: a member, and more rarely the leader) and started again
 * a few seconds later. Every change runs through one queue, so a process's reaction (Kafka's controller
 * rewriting partition states) never races the next kill.
 */
import { chaosPlan, DEMO_CHAOS, defaultMaxDown, type ChaosEvent } from './chaos-plan.ts';
import { describeError } from './sim-session.ts';
import type { SimulatedCluster } from './simulated-cluster.ts';
import { playInOrder, Timers } from './timers.ts';

/** Where a foreign program runs and how many processes it keeps up. */
export interface ForeignClusterOptions {
  connectString: string;
  root: string;
  /** processes kept running (brokers, participants) */
  members: number;
  sessionTimeoutMs?: number;
}

/** One simulated process of the foreign program. */
export interface ForeignProcess {
  readonly id: string;
  /** a crash: the session ends, ZooKeeper removes its ephemerals */
  kill(): Promise<void>;
  /** a stop on purpose, as the program does it (e.g. LeaderLatch.close() deletes its node first) */
  leave(): Promise<void>;
  /** calls `fn` if the server expires the session */
  onExpired(fn: () => void): void;
}

export interface ForeignProgram<P extends ForeignProcess> {
  /** the processes' ids, in start order */
  readonly ids: readonly string[];
  /** persistent nodes the program creates before its processes run */
  setup(): Promise<void>;
  start(id: string): Promise<P>;
  /** the process that leads now, if any */
  leader(up: ReadonlyMap<string, P>): P | undefined;
  /** what the program does after a process came up or went down (the Kafka controller's work); queued */
  react?(up: ReadonlyMap<string, P>): Promise<void>;
  /** ends what setup() opened, after every process is gone */
  close(): Promise<void>;
}

export interface ForeignChaosOptions {
  /** mean time between two member disruptions (0 = never) */
  crashEveryMs?: number;
  /** mean time between two leader crashes (0 = never) */
  masterCrashEveryMs?: number;
  restartDelayMs?: number;
  random?: () => number;
  log?: (line: string) => void;
}

export async function runForeignCluster<P extends ForeignProcess>(program: ForeignProgram<P>, opts: ForeignChaosOptions): Promise<SimulatedCluster> {
  const log = opts.log ?? (() => {});
  const random = opts.random ?? Math.random;
  const restartDelayMs = opts.restartDelayMs ?? DEMO_CHAOS.restartDelayMs;
  let stopping = false;
  const timers = new Timers((err) => {
    if (!stopping) log(`demo: ${describeError(err)}`);
  });
  const up = new Map<string, P>();
  /** leaders killed by the chaos, oldest first: each `candidateUp` starts the oldest again */
  const crashedLeaders: string[] = [];

  // one change at a time; a failed step is logged, the queue goes on
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (what: string, step: () => Promise<void>): Promise<void> =>
    (queue = queue.then(step).catch((err: unknown) => {
      if (!stopping) log(`demo: ${what}: ${describeError(err)}`);
    }));
  // the program reacts once all its processes have started, then after every change
  let running = false;
  const react = () => (program.react && running && !stopping ? program.react(up) : Promise.resolve());

  const start = (id: string): Promise<void> =>
    enqueue(`${id} start`, async () => {
      if (stopping || up.has(id)) return;
      let proc: P;
      try {
        proc = await program.start(id);
      } catch (err) {
        log(`demo: ${id} did not start (${describeError(err)}), retrying`);
        timers.after(restartDelayMs, () => start(id));
        return;
      }
      up.set(id, proc);
      proc.onExpired(() => void down(id, proc, 'session expired', () => proc.kill()).then(() => timers.after(restartDelayMs, () => start(id))));
      log(`${id}: up`);
      await react();
    });

  const down = (id: string, proc: P, why: string, end: () => Promise<void>): Promise<void> =>
    enqueue(`${id} down`, async () => {
      if (up.get(id) !== proc) return;
      up.delete(id);
      log(`${id}: ${why}`);
      await end();
      await react();
    });

  const play = (event: ChaosEvent): Promise<void> => {
    switch (event.kind) {
      case 'workerDown': {
        const proc = up.get(event.worker);
        if (!proc) return Promise.resolve();
        return event.how === 'crash' ? down(proc.id, proc, 'CRASH (session closed)', () => proc.kill()) : down(proc.id, proc, 'restarting on purpose', () => proc.leave());
      }
      case 'workerUp':
        return start(event.worker);
      case 'masterCrash': {
        const leader = program.leader(up);
        if (!leader) return Promise.resolve();
        crashedLeaders.push(leader.id);
        return down(leader.id, leader, 'CRASH of the leader', () => leader.kill());
      }
      case 'candidateUp': {
        const id = crashedLeaders.shift();
        return id === undefined ? Promise.resolve() : start(id);
      }
    }
  };

  await program.setup();
  for (const id of program.ids) await start(id);
  running = true;
  await enqueue('the first reaction', react);

  const plan = chaosPlan(
    {
      workers: program.ids,
      workerEveryMs: opts.crashEveryMs ?? DEMO_CHAOS.workerEveryMs,
      masterEveryMs: opts.masterCrashEveryMs ?? DEMO_CHAOS.masterEveryMs,
      restartDelayMs,
      leaveShare: DEMO_CHAOS.leaveShare,
      maxDown: defaultMaxDown(program.ids.length),
    },
    random,
  );
  playInOrder(timers, plan, play);

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    stopping = true;
    timers.clear();
    await queue;
    // the others first, the leader last: leaving does not set off one election after another
    const leader = program.leader(up);
    await Promise.allSettled([...up.values()].filter((p) => p !== leader).map((p) => p.leave()));
    if (leader) await leader.leave().catch(() => undefined);
    up.clear();
    await program.close();
    log('demo: stopped');
  };
  return { stop: () => (stopped ??= stop()) };
}
