/**
 * The agent's own plain ephemerals (worker node, status nodes) as desired state: `set` says what a
 * node should hold, a per-path writer makes it so (one request at a time per path, last value wins),
 * and after a reconnect or a new session every desired node is written again.
 *
 * A node of that name held by ANOTHER session (our crashed predecessor with the same id whose session
 * has not timed out yet, or a duplicate id) is never deleted or overwritten: we wait for it to go and
 * then create ours. This is what kazoo #491 got wrong: after a session loss, ephemerals must be
 * re-created on the new session.
 */
import type { NodeAcls } from '../zk/acl.ts';
import { isConnectionProblem, Superseded, type ZkConnection } from '../zk/connection.ts';
import { CreateMode, ownedBy, ownerOf, parentOf, type ZkOps } from '../zk/ops.ts';
import { NODE_EXISTS, NO_NODE, zkErrorCode } from '../zk/errors.ts';

interface Desired {
  data: Buffer;
  /** re-created on a new session after an expiry (a finished task's status is not) */
  keepAfterExpiry: boolean;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

export class EphemeralNodes {
  private readonly desired = new Map<string, Desired>();
  private readonly dirty = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly warnedOwner = new Map<string, string>();

  constructor(
    private readonly ops: ZkOps,
    private readonly conn: ZkConnection,
    private readonly acls: NodeAcls,
    private readonly report: (err: Error) => void,
  ) {}

  /** Want `path` to hold `data`; resolves once this value (or a later one) is written. */
  set(path: string, data: Buffer, keepAfterExpiry: boolean): Promise<void> {
    this.desired.set(path, { data, keepAfterExpiry });
    const written = new Promise<void>((resolve, reject) => {
      const list = this.waiters.get(path) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(path, list);
    });
    this.kick(path);
    return written;
  }

  /** Resolves once `path`'s desired value is written (at once when nothing is pending for it). */
  whenWritten(path: string): Promise<void> {
    if (!this.desired.has(path) || (!this.dirty.has(path) && !this.running.has(path))) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const list = this.waiters.get(path) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(path, list);
    });
  }

  has(path: string): boolean {
    return this.desired.has(path);
  }

  paths(): string[] {
    return [...this.desired.keys()];
  }

  /** Stop wanting `path` and delete it if it is ours. Resolves when done (or when the connection is gone). */
  async remove(path: string): Promise<void> {
    this.desired.delete(path);
    this.dirty.delete(path);
    this.settle(path, new Error(`${path}: removed before it was written`));
    await this.running.get(path)?.catch(() => undefined);
    if (!this.conn.connected) return;
    const stat = await this.ops.exists(path);
    if (stat && ownedBy(stat, this.ops.sessionId)) {
      try {
        await this.ops.remove(path);
      } catch (err) {
        if (zkErrorCode(err) !== NO_NODE) throw err;
      }
    }
  }

  /** A connection event: write everything again on a (re)connected session; forget finished ones after an expiry. */
  onConnection(state: string): void {
    if (state === 'expired') {
      for (const [path, d] of this.desired) {
        if (!d.keepAfterExpiry) {
          this.desired.delete(path);
          this.settle(path, new Error(`${path}: session expired before it was written`));
        }
      }
    }
    if (state === 'connected' || state === 'reconnected') for (const path of this.desired.keys()) this.kick(path);
  }

  /** Refuse every pending wait (on close). */
  rejectAll(err: Error): void {
    for (const path of [...this.waiters.keys()]) this.settle(path, err);
  }

  private settle(path: string, err?: Error): void {
    const list = this.waiters.get(path);
    if (!list) return;
    this.waiters.delete(path);
    for (const w of list) {
      if (err) w.reject(err);
      else w.resolve();
    }
  }

  private kick(path: string): void {
    this.dirty.add(path);
    if (this.running.has(path) || !this.conn.connected) return;
    const startedOn = this.conn.generation;
    const run = this.drain(path).catch(() => true).then((failed) => {
      this.running.delete(path);
      // the connection changed while a request hung on the old one: the event's kick found us busy;
      // or a set() ran between the drain's last look and now (a caller woken by the write it waited for)
      if (this.dirty.has(path) && (this.conn.generation !== startedOn || !failed)) this.kick(path);
    });
    this.running.set(path, run);
  }

  /** Writes `path` until nothing is pending; true when it stopped on a failed write (left for the next kick). */
  private async drain(path: string): Promise<boolean> {
    while (this.dirty.has(path) && this.conn.connected) {
      this.dirty.delete(path);
      const want = this.desired.get(path);
      if (!want) return false;
      try {
        await this.write(path, want.data, this.conn.generation);
        if (!this.dirty.has(path)) this.settle(path);
      } catch (err) {
        this.dirty.add(path);
        if (!isConnectionProblem(err)) this.report(err instanceof Error ? err : new Error(String(err)));
        return true;
      }
    }
    return false;
  }

  private async write(path: string, data: Buffer, generation: number): Promise<void> {
    for (;;) {
      this.conn.guard(generation);
      const stat = await this.ops.exists(path);
      if (!stat) {
        try {
          await this.ops.create(path, data, this.acls.node, CreateMode.EPHEMERAL);
          return;
        } catch (err) {
          const code = zkErrorCode(err);
          if (code === NODE_EXISTS) continue;
          if (code !== NO_NODE) throw err;
          await this.ops.ensurePath(parentOf(path), this.acls.container);
          continue;
        }
      }
      if (ownedBy(stat, this.ops.sessionId)) {
        try {
          await this.ops.setData(path, data);
          return;
        } catch (err) {
          if (zkErrorCode(err) === NO_NODE) continue;
          throw err;
        }
      }
      await this.waitForOther(path, ownerOf(stat), generation);
    }
  }

  /** Another session holds `path`: wait (watch) until it is gone or changes; never touch it. */
  private async waitForOther(path: string, owner: string, generation: number): Promise<void> {
    if (this.warnedOwner.get(path) !== owner) {
      this.warnedOwner.set(path, owner);
      const what = owner === '0000000000000000' ? 'a persistent node' : `session 0x${owner}`;
      this.report(new Error(`${path} is held by ${what}; waiting for it to go before creating ours`));
    }
    const w = this.conn.arm();
    const stat = await this.ops.exists(path, w.watcher);
    if (stat && !ownedBy(stat, this.ops.sessionId) && ownerOf(stat) === owner) {
      const why = await w.woke;
      if (why !== 'fired') throw new Superseded('connection changed while waiting');
    } else {
      w.cancel();
    }
    this.conn.guard(generation);
  }
}
