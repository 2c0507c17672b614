/**
 * The agent's locks (docs/contract.md §9): `agent.lock(name)` runs the lock recipe (zk/lock.ts) under
 * R/locks/<name> and hands out a LockHandle once held. One attempt per name at a time per agent: the
 * mutex is not re-entrant, and one contender per session and lock is what lets the recipe find its own
 * node by owner after a lost create answer.
 */
import type { SchedulerLike } from 'rxjs';
import type { NodeAcls } from '../zk/acl.ts';
import type { ZkConnection } from '../zk/connection.ts';
import { ZkLock, type LockLoss } from '../zk/lock.ts';
import type { ZkOps } from '../zk/ops.ts';
import { AgentArgumentError } from './errors.ts';
import { checkMillis, checkName } from './validate.ts';

/**
 * Relative name of the locks' parent under R (docs/contract.md §9: R/locks/<lock>/lock-<seq>). Kept here
 * until contract/zkpulse/paths.ts has it (another part of this session adds the layout's path constants).
 */
export const LOCKS = 'locks';

export interface LockOptions {
  /** give up (reject with LockTimeoutError, our contender node withdrawn) when not held within this many ms */
  waitMs?: number;
}

/** A held lock. */
export interface LockHandle {
  readonly name: string;
  /** our contender node under R/locks/<name>, e.g. `lock-0000000007` */
  readonly node: string;
  /** fencing token: our contender node's czxid (decimal); each later holder's is larger */
  readonly token: string;
  /** true until released or lost */
  readonly held: boolean;
  /**
   * Resolves once if the lock is lost without release(): `disconnected` at once when the connection drops
   * (we cannot know we still hold it), `expired`, `deleted` (someone deleted our node) or `closed`
   * (agent.close()). Stays pending after release().
   */
  readonly lost: Promise<LockLoss>;
  /** Give the lock back: our contender node is deleted (resolves when it is, or at once without a connection). */
  release(): Promise<void>;
}

export interface LockNodeData {
  owner: string;
}

export class AgentLocks {
  /** the attempt of each name, waiting or held */
  private readonly active = new Map<string, ZkLock>();
  /** every attempt that may still have a node (ended ones until their node is deleted): they hear connection events */
  private readonly all = new Set<ZkLock>();
  /** the predecessor wake-ups of attempts no longer in `all` */
  private pastWakeups = 0;

  constructor(
    private readonly d: {
      ops: ZkOps;
      conn: ZkConnection;
      acls: NodeAcls;
      root: string;
      owner: string;
      report: (err: Error) => void;
      scheduler: SchedulerLike;
    },
  ) {}

  /** Checks `name` and `opts` synchronously (AgentArgumentError), then waits for the lock. */
  lock(name: string, opts: LockOptions = {}): Promise<LockHandle> {
    checkName('lock name', name);
    if (opts === null || typeof opts !== 'object') throw new AgentArgumentError('lock options: expected an object');
    const waitMs = opts.waitMs === undefined ? undefined : checkMillis('lock waitMs', opts.waitMs, 0, 2_147_483_647);
    if (this.active.has(name)) {
      throw new AgentArgumentError(`lock ${JSON.stringify(name)}: this agent already holds or waits for it (locks are not re-entrant); release it first`);
    }
    const owner = this.d.owner;
    const lock = new ZkLock(
      {
        ops: this.d.ops,
        conn: this.d.conn,
        path: `${this.d.root}/${LOCKS}/${name}`,
        data: () => Buffer.from(JSON.stringify({ owner } satisfies LockNodeData)),
        acls: this.d.acls,
        report: this.d.report,
        scheduler: this.d.scheduler,
      },
      name,
    );
    this.active.set(name, lock);
    this.all.add(lock);
    const done = () => {
      if (this.active.get(name) === lock) this.active.delete(name);
    };
    void lock.lost.then(done);
    return lock.acquire(waitMs).then(
      () => handleOf(lock, () => {
        done();
        return lock.release().finally(() => this.forget(lock));
      }),
      (err: Error) => {
        done();
        this.forget(lock);
        throw err;
      },
    );
  }

  onConnection(state: string): void {
    for (const lock of [...this.all]) {
      lock.onConnection(state);
      this.forget(lock);
    }
  }

  /** Lose or abandon every lock (agent close) and delete their nodes. */
  async closeAll(): Promise<void> {
    const locks = [...this.all];
    this.active.clear();
    await Promise.all(locks.map((l) => l.close().catch(() => undefined)));
    for (const l of locks) this.forget(l);
  }

  names(): string[] {
    return [...this.active.keys()];
  }

  predecessorWakeups(): number {
    let n = this.pastWakeups;
    for (const l of this.all) n += l.predecessorWakeups;
    return n;
  }

  private forget(lock: ZkLock): void {
    if (lock.settled && this.active.get(lock.name) !== lock && this.all.delete(lock)) this.pastWakeups += lock.predecessorWakeups;
  }
}

function handleOf(lock: ZkLock, release: () => Promise<void>): LockHandle {
  const node = lock.node!;
  const token = lock.token!;
  return {
    name: lock.name,
    node,
    token,
    get held() {
      return lock.held;
    },
    lost: lock.lost,
    release,
  };
}
