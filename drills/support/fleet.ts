/**
 * A fleet of zkpulse-layout clusters spread over several ensembles, played by a handful of ZooKeeper sessions
 * instead of one process per worker: per ensemble one session holds every worker node of its clusters but one,
 * and each cluster's first worker (its "victim") has a session of its own, so that closing that session is a
 * crash of exactly that worker (its EPHEMERAL node goes without `"state":"leaving"` first: WorkerLost).
 * Every worker beats (setData) every `beatEveryMs`, advertising `heartbeatMs` (docs/contract.md §2).
 */
import { PlainZk } from '../../stack/plain-zk.ts';
import { encodeWorker } from '../../contract/zkpulse/data.ts';

export interface FleetCluster {
  name: string;
  root: string;
  /** the key of `ensembles` (or `default`) the cluster is on */
  ensemble: string;
  /** the connect string of that ensemble */
  connect: string;
}

export interface FleetOptions {
  clusters: readonly FleetCluster[];
  workersPerCluster: number;
  heartbeatMs: number;
  beatEveryMs: number;
  sessionTimeoutMs: number;
}

/** `w00`, `w01`, ...: the victim of every cluster is `w00` */
export function workerId(i: number): string {
  return `w${String(i).padStart(2, '0')}`;
}

export const VICTIM = workerId(0);

function data(id: string, heartbeatMs: number): string {
  return encodeWorker({ id, host: `host-${id}`, pid: 1000, startedAt: 1_700_000_000_000, heartbeatMs, state: 'ready', meta: {} });
}

export class Fleet {
  private readonly shared = new Map<string, PlainZk>();
  private readonly victims = new Map<string, PlainZk>();
  private beat: NodeJS.Timeout | null = null;
  private beating = false;

  private constructor(private readonly opts: FleetOptions) {}

  /** Create every cluster's workers (each on its ensemble), then start beating. */
  static async start(opts: FleetOptions): Promise<Fleet> {
    const fleet = new Fleet(opts);
    await fleet.create();
    fleet.beat = setInterval(() => void fleet.beatOnce(), opts.beatEveryMs);
    return fleet;
  }

  private async create(): Promise<void> {
    const { clusters, workersPerCluster, heartbeatMs, sessionTimeoutMs } = this.opts;
    for (const connect of new Set(clusters.map((c) => c.connect))) this.shared.set(connect, await PlainZk.connect(connect, sessionTimeoutMs));
    await Promise.all(
      clusters.map(async (c) => {
        const zk = this.shared.get(c.connect)!;
        await zk.mkdirp(`${c.root}/workers`);
        const victim = await PlainZk.connect(c.connect, sessionTimeoutMs);
        this.victims.set(c.name, victim);
        await victim.create(`${c.root}/workers/${VICTIM}`, data(VICTIM, heartbeatMs), 'ephemeral');
        const rest: Promise<string>[] = [];
        for (let i = 1; i < workersPerCluster; i++) rest.push(zk.create(`${c.root}/workers/${workerId(i)}`, data(workerId(i), heartbeatMs), 'ephemeral'));
        await Promise.all(rest);
      }),
    );
  }

  /** One beat of every live worker; a beat still running skips the next tick rather than piling up. */
  private async beatOnce(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    const { clusters, workersPerCluster, heartbeatMs } = this.opts;
    try {
      await Promise.all(
        clusters.flatMap((c) => {
          const writes: Promise<unknown>[] = [];
          const victim = this.victims.get(c.name);
          if (victim) writes.push(victim.set(`${c.root}/workers/${VICTIM}`, data(VICTIM, heartbeatMs)).catch(() => undefined));
          const zk = this.shared.get(c.connect)!;
          for (let i = 1; i < workersPerCluster; i++) writes.push(zk.set(`${c.root}/workers/${workerId(i)}`, data(workerId(i), heartbeatMs)).catch(() => undefined));
          return writes;
        }),
      );
    } finally {
      this.beating = false;
    }
  }

  /** Crash the victim of each cluster named: its session is closed, so its node goes at once. */
  async crash(names: readonly string[]): Promise<void> {
    await Promise.all(
      names.map(async (name) => {
        const victim = this.victims.get(name);
        this.victims.delete(name);
        await victim?.close();
      }),
    );
  }

  async stop(): Promise<void> {
    if (this.beat) clearInterval(this.beat);
    await Promise.all([...this.victims.values(), ...this.shared.values()].map((zk) => zk.close()));
    this.victims.clear();
    this.shared.clear();
  }
}
