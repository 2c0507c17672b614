/**
 * The distributed lock recipe (an exclusive, non re-entrant mutex): the same shape as the election
 * (election.ts). Contenders are children of one lock node; where it is is the caller's (LockDeps), so
 * the recipe knows no layout. One ZkLock is one attempt: waiting, then held, then ended (released,
 * lost, timed out or closed); to lock again, make a new one.
 *
 * - Each contender has one EPHEMERAL_SEQUENTIAL `lock-<seq>` node; the lowest sequence number holds
 *   the lock (order by sequence, never by name: election-order.ts). Every waiter watches only its
 *   predecessor (getData: a predecessor gone between getChildren and the watch leaves no watch
 *   behind, unlike exists), so a release wakes exactly one waiter (no herd).
 * - A create whose answer was lost (connection loss) may still have made a node: before creating again
 *   we adopt the node our session already owns under the lock node (Curator's "protected mode" does the
 *   same with a GUID in the name), so no forgotten contender of ours holds the lock forever.
 * - Our node missing on a live session (someone deleted it): while waiting we join again at the end;
 *   while holding it is a loss (`deleted`): the next contender holds the lock now.
 * - While held, a disconnect is a loss AT ONCE (`disconnected`): during a disconnect we cannot know
 *   whether the server still has our session, and it may expire it and give the lock to the next one.
 *   Session expiry is `expired`. A loss is told before anything else is done, then our node is deleted
 *   (on reconnection, if the session survived), so nobody waits behind a holder that stopped holding.
 * - While waiting, a disconnect changes nothing: on reconnection the queue is looked at again; after an
 *   expiry a new contender node is created on the new session.
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import type { NodeAcls } from './acl.ts';
import { isConnectionProblem, Superseded, type ZkConnection } from './connection.ts';
import { orderCandidates, positionOf } from './election-order.ts';
import { CreateMode, czxidOf, ownedBy, type ZkOps } from './ops.ts';

/** the prefix of a contender node: ZooKeeper appends the 10-digit sequence number (docs/contract.md §9) */
export const LOCK_CONTENDER_PREFIX = 'lock-';

export type LockLossReason = 'disconnected' | 'expired' | 'deleted' | 'closed';

/** Why a held lock is no longer held, though release() was not called. */
export interface LockLoss {
  reason: LockLossReason;
  message: string;
}

/** The lock was not acquired within the time asked for; our contender node is withdrawn. */
export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
  constructor(
    readonly lock: string,
    readonly waitMs: number,
  ) {
    super(`lock ${lock}: not acquired within ${waitMs} ms`);
  }
}

/** The attempt was given up before the lock was acquired (release() or close while waiting). */
export class LockAbandonedError extends Error {
  override readonly name = 'LockAbandonedError';
}

export interface LockDeps {
  ops: ZkOps;
  conn: ZkConnection;
  /** the lock node: each contender is an EPHEMERAL_SEQUENTIAL `<path>/lock-<seq>` (created with its ancestors) */
  path: string;
  /** the data of our contender node */
  data: () => Buffer;
  acls: NodeAcls;
  report: (err: Error) => void;
  /** the clock of the wait timeout and of the retry after an unexpected error */
  scheduler: SchedulerLike;
}

type Phase = 'new' | 'waiting' | 'held' | 'ended';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const LOSS_MESSAGES: Record<LockLossReason, string> = {
  disconnected: 'the connection to ZooKeeper dropped: the session may expire and the lock go to the next contender',
  expired: 'the ZooKeeper session expired: our contender node is gone',
  deleted: 'our contender node was deleted by someone else: the next contender holds the lock now',
  closed: 'the agent was closed',
};

export class ZkLock {
  /** how often our predecessor's watch woke us: one waiter per departure, never a herd */
  predecessorWakeups = 0;

  private phase: Phase = 'new';
  private myNode: string | null = null;
  private mySession: string | null = null;
  /** the czxid of our node while held: the fencing token */
  private heldToken: string | null = null;
  /** the session that sent a create whose answer never came: a node of ours may exist unknown to us */
  private uncertainCreate: string | null = null;
  /** ended with a node of ours maybe left on a live session: delete it once connected */
  private cleanupPending = false;
  private cleaning: Promise<void> | null = null;
  private timer: Subscription | null = null;
  private readonly acquired = deferred<void>();
  private readonly lossD = deferred<LockLoss>();
  /** resolves once, when the lock is lost while held; never when it is released or never acquired */
  readonly lost: Promise<LockLoss> = this.lossD.promise;

  constructor(
    private readonly d: LockDeps,
    /** the lock's name in messages */
    readonly name: string,
  ) {
    this.acquired.promise.catch(() => undefined);
  }

  get held(): boolean {
    return this.phase === 'held';
  }

  /** our contender node's name (`lock-<seq>`), once created */
  get node(): string | null {
    return this.myNode;
  }

  get token(): string | null {
    return this.heldToken;
  }

  /** true once ended and our node is known gone (deleted, or its session over) */
  get settled(): boolean {
    return this.phase === 'ended' && !this.cleanupPending && this.cleaning === null;
  }

  /** Join the queue; resolves once held. `waitMs`: reject with LockTimeoutError when not held by then. */
  acquire(waitMs?: number): Promise<void> {
    if (this.phase !== 'new') return this.acquired.promise;
    this.phase = 'waiting';
    if (waitMs !== undefined) {
      this.timer = this.d.scheduler.schedule(() => {
        if (this.phase === 'waiting') this.end(new LockTimeoutError(this.name, waitMs));
      }, waitMs);
    }
    this.kick();
    return this.acquired.promise;
  }

  /** Give the lock back (or stop waiting for it: acquire() then rejects). Resolves once our node is deleted or cannot be yet. */
  release(): Promise<void> {
    if (this.phase === 'waiting') this.end(new LockAbandonedError(`lock ${this.name}: released before it was acquired`));
    else if (this.phase === 'held') this.end();
    else if (this.phase === 'new') this.phase = 'ended';
    return this.cleaning ?? Promise.resolve();
  }

  /** The agent is closing: a held lock is lost ('closed'), a wait is abandoned; our node is deleted. */
  close(): Promise<void> {
    if (this.phase === 'held') this.lose('closed');
    else if (this.phase === 'waiting') this.end(new LockAbandonedError(`lock ${this.name}: the agent was closed while waiting`));
    else if (this.phase === 'new') this.phase = 'ended';
    return this.cleaning ?? Promise.resolve();
  }

  onConnection(state: string): void {
    if (state === 'disconnected') {
      if (this.phase === 'held') this.lose('disconnected');
    } else if (state === 'expired') {
      // everything of the old session is gone with it
      this.myNode = null;
      this.mySession = null;
      this.uncertainCreate = null;
      this.cleanupPending = false;
      if (this.phase === 'held') this.lose('expired');
    } else if (state === 'connected' || state === 'reconnected') {
      if (this.phase === 'waiting') this.kick();
      else if (this.phase === 'ended' && this.cleanupPending) this.startCleanup();
    }
  }

  private lose(reason: LockLossReason): void {
    // told first, before our node is deleted (and the next contender may take the lock)
    this.lossD.resolve({ reason, message: `lock ${this.name}: ${LOSS_MESSAGES[reason]}` });
    this.end();
  }

  /** Stop for good: settle acquire() (rejected with `err` when given), then delete our node if there may be one. */
  private end(err?: Error): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.heldToken = null;
    this.timer?.unsubscribe();
    if (err) this.acquired.reject(err);
    this.cleanupPending = this.myNode !== null || this.uncertainCreate !== null;
    if (this.cleanupPending) this.startCleanup();
  }

  private kick(): void {
    if (this.phase !== 'waiting' || !this.d.conn.connected) return;
    const generation = this.d.conn.generation;
    this.run(generation).catch((err: unknown) => {
      if (!this.d.conn.live(generation)) return; // a newer connection runs its own loop
      if (!isConnectionProblem(err)) this.d.report(err instanceof Error ? err : new Error(String(err)));
      // an unexpected error on a live connection (e.g. NoAuth on the lock node): try again a bit later
      this.d.scheduler.schedule(() => this.d.conn.live(generation) && this.kick(), 1000);
    });
  }

  private async run(gen: number): Promise<void> {
    const { ops, conn, path } = this.d;
    while (this.phase === 'waiting') {
      conn.guard(gen);
      if (this.mySession !== ops.sessionId) this.myNode = null;
      if (!this.myNode) await this.join(gen);
      if (this.phase !== 'waiting') return;
      const children = (await ops.getChildren(path))?.children ?? [];
      conn.guard(gen);
      if (this.phase !== 'waiting') return;
      const pos = positionOf(children, this.myNode!);
      if (pos.kind === 'absent') {
        // our node was deleted while the session lives: join again, at the end of the queue
        this.myNode = null;
        continue;
      }
      if (pos.kind === 'follower') {
        const w = conn.arm();
        const pred = await ops.getData(`${path}/${pos.watch}`, w.watcher);
        if (!pred) {
          w.cancel(); // gone between the listing and the watch: look again
          continue;
        }
        const why = await w.woke;
        if (why === 'fired') this.predecessorWakeups++;
        continue;
      }
      // the lowest: held. Watch our own node, so that its deletion by someone else is a loss.
      const w = conn.arm();
      const own = await ops.exists(`${path}/${this.myNode}`, w.watcher);
      conn.guard(gen);
      if (this.phase !== 'waiting') return w.cancel();
      if (!own || !ownedBy(own, ops.sessionId)) {
        w.cancel();
        this.myNode = null;
        continue;
      }
      this.heldToken = czxidOf(own);
      this.phase = 'held';
      this.timer?.unsubscribe();
      this.acquired.resolve();
      await this.holdUntilGone(gen, w.woke);
      return;
    }
  }

  /** Held: each time our node's watch fires, see whether it is still there (a data change re-arms). */
  private async holdUntilGone(gen: number, woke: Promise<string>): Promise<void> {
    const { ops, conn, path } = this.d;
    for (;;) {
      const why = await woke;
      if (why !== 'fired' || this.phase !== 'held' || !conn.live(gen)) return; // connection events are onConnection's
      const w = conn.arm();
      const own = await ops.exists(`${path}/${this.myNode}`, w.watcher);
      if (this.phase !== 'held' || !conn.live(gen)) return w.cancel();
      if (!own || !ownedBy(own, ops.sessionId)) {
        w.cancel();
        this.myNode = null;
        return this.lose('deleted');
      }
      woke = w.woke;
    }
  }

  /** Find the contender node our session already has (after a lost answer), or create one. */
  private async join(gen: number): Promise<void> {
    const { ops, conn, path } = this.d;
    await ops.ensurePath(path, this.d.acls.container);
    const session = ops.sessionId;
    if (this.uncertainCreate !== null && this.uncertainCreate === session) {
      const [keep, ...extra] = orderCandidates(await this.ownNodes(session));
      conn.guard(gen);
      for (const e of extra) await this.d.ops.removeOwn(`${path}/${e}`);
      if (keep) return this.adopt(keep, session);
    }
    this.uncertainCreate = session;
    const created = await ops.create(`${path}/${LOCK_CONTENDER_PREFIX}`, this.d.data(), this.d.acls.node, CreateMode.EPHEMERAL_SEQUENTIAL);
    // no guard before adopting: on the same session the node is valid even if the connection moved on
    if (ops.sessionId !== session) throw new Superseded('session changed during create');
    this.adopt(created.slice(created.lastIndexOf('/') + 1), session);
    // ended while the create was under way (released, timed out): end() found no node; delete it now
    if (this.phase === 'ended' && !this.cleanupPending) {
      this.cleanupPending = true;
      this.startCleanup();
    }
  }

  private adopt(node: string, session: string | null): void {
    this.myNode = node;
    this.mySession = session;
    this.uncertainCreate = null;
  }

  /** The children of the lock node that are ephemerals of `session`. */
  private async ownNodes(session: string | null): Promise<string[]> {
    const ours: string[] = [];
    for (const child of (await this.d.ops.getChildren(this.d.path))?.children ?? []) {
      const stat = await this.d.ops.exists(`${this.d.path}/${child}`);
      if (stat && ownedBy(stat, session)) ours.push(child);
    }
    return ours;
  }

  private startCleanup(): void {
    if (this.cleaning || !this.d.conn.connected) return; // on the next connection (onConnection)
    this.cleaning = this.cleanup()
      .catch((err: unknown) => {
        if (!isConnectionProblem(err)) this.d.report(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => {
        this.cleaning = null;
        // failed on a connection that is back already (its event found us busy)
        if (this.cleanupPending && this.d.conn.connected) this.startCleanup();
      });
  }

  /** Delete our node: by name, and, after a lost answer, whatever our session owns under the lock node. */
  private async cleanup(): Promise<void> {
    const { ops, path } = this.d;
    const session = ops.sessionId;
    if (this.myNode && this.mySession === session) await this.d.ops.removeOwn(`${path}/${this.myNode}`);
    if (this.uncertainCreate !== null && this.uncertainCreate === session) {
      for (const node of await this.ownNodes(session)) await this.d.ops.removeOwn(`${path}/${node}`);
    }
    this.myNode = null;
    this.uncertainCreate = null;
    this.cleanupPending = false;
  }
}
