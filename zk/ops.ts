/**
 * The timed ZooKeeper requests: every request of ours goes through here, promise-returning (one
 * callback form for the hot read), bounded by a deadline, a missing node answered as null where
 * "not there" is an answer rather than an error.
 *
 * node-zookeeper-client queues a request while disconnected and never answers it when the client is
 * replaced (ZkSession rebuilds clients on a dead connection), so every request has a deadline
 * (deadlines.ts, on the injected scheduler). Watches are one-shot and live on one client: a watch set
 * on a replaced client never fires, so callers also wake on connection events (connection.ts `arm`).
 */
import zookeeper, { type ACL, type Client, type Stat } from 'node-zookeeper-client';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { Deadlines } from './deadlines.ts';
import { NODE_EXISTS, NO_NODE, zkErrorCode } from './errors.ts';
import { queueGetData } from './direct-read.ts';
import { longToDecimal, longToHex } from './stat.ts';

export type { ACL, Client, Stat };
export type ZkEvent = zookeeper.Event;
export type Watcher = (event: ZkEvent) => void;

/** ZooKeeper's create modes (PERSISTENT 0, EPHEMERAL 1, PERSISTENT_SEQUENTIAL 2, EPHEMERAL_SEQUENTIAL 3). */
export const CreateMode = zookeeper.CreateMode;

/** Where requests go: the current client of a session (which may replace it) and that session's id. */
export interface ClientSource {
  /** the client to send the next request on; throws when there is none (not started, closed) */
  readonly client: Client;
  /** the session id as 16 hex digits (what ephemeralOwner holds), or null when there is none */
  readonly sessionId: string | null;
}

/** A plain client as a source (tools and simulated processes that own one client for their life). */
export function clientSource(client: Client | (() => Client)): ClientSource {
  const current = typeof client === 'function' ? client : () => client;
  return {
    get client() {
      return current();
    },
    get sessionId() {
      const id = current().getSessionId();
      return id.equals(Buffer.alloc(8)) ? null : longToHex(id);
    },
  };
}

export interface ZkOpsOptions {
  /** deadline of each request unless the call gives its own */
  timeoutMs: number;
  /** the clock of the deadlines (default asyncScheduler) */
  scheduler?: SchedulerLike;
}

export interface DataReply {
  data: Buffer | null;
  stat: Stat;
}

/** (error) or (null, stat, data); stat null when the node does not exist */
export type DataCallback = (err: unknown, stat: Stat | null, data: Buffer | null) => void;

/** One operation of an atomic multi-op. */
export type TransactionOp =
  | { op: 'create'; path: string; data: Buffer; acls: ACL[]; mode: number }
  | { op: 'setData'; path: string; data: Buffer; version: number }
  | { op: 'remove'; path: string; version: number }
  | { op: 'check'; path: string; version: number };

const EMPTY = Buffer.alloc(0);

export class ZkOps {
  private readonly deadlines: Deadlines;
  readonly timeoutMs: number;

  constructor(
    private readonly source: ClientSource,
    options: ZkOpsOptions,
  ) {
    this.timeoutMs = options.timeoutMs;
    this.deadlines = new Deadlines(options.scheduler ?? asyncScheduler);
  }

  /** Session id as 16 hex digits (what ephemeralOwner holds), or null when there is none. */
  get sessionId(): string | null {
    return this.source.sessionId;
  }

  /** Stop timing the requests still pending (their owner is closing). */
  close(): void {
    this.deadlines.close();
  }

  private timed<T>(op: string, path: string, run: (client: Client, done: (err: unknown, value?: T) => void) => void, timeoutMs = this.timeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let client: Client;
      try {
        client = this.source.client;
      } catch (err) {
        return reject(err);
      }
      const done = this.deadlines.wrap<T>(op, path, timeoutMs, (err, value) => (err ? reject(err) : resolve(value as T)));
      try {
        run(client, done);
      } catch (err) {
        done(err);
      }
    });
  }

  /** stat, or null when the node does not exist. A watcher, when given, is set either way (existence or data). */
  exists(path: string, watcher?: Watcher, timeoutMs?: number): Promise<Stat | null> {
    return this.timed(
      'exists',
      path,
      (c, done) => {
        const cb = (err: unknown, stat: Stat) => done(err, err ? undefined : (stat ?? null));
        if (watcher) c.exists(path, watcher, cb);
        else c.exists(path, cb);
      },
      timeoutMs,
    );
  }

  /** children and the parent's stat, or null when the node does not exist (then no watch is left behind). */
  getChildren(path: string, watcher?: Watcher, timeoutMs?: number): Promise<{ children: string[]; stat: Stat } | null> {
    return this.timed(
      'getChildren',
      path,
      (c, done) => {
        const cb = (err: unknown, children: string[], stat: Stat) =>
          zkErrorCode(err) === NO_NODE ? done(null, null) : done(err, err ? undefined : { children, stat });
        if (watcher) c.getChildren(path, watcher, cb);
        else c.getChildren(path, cb);
      },
      timeoutMs,
    );
  }

  /** data and stat, or null when the node does not exist (then no watch is left behind). The path is validated. */
  getData(path: string, watcher?: Watcher, timeoutMs?: number): Promise<DataReply | null> {
    return this.timed(
      'getData',
      path,
      (c, done) => {
        const cb = (err: unknown, data: Buffer, stat: Stat) =>
          zkErrorCode(err) === NO_NODE ? done(null, null) : done(err, err ? undefined : { data: data ?? null, stat });
        if (watcher) c.getData(path, watcher, cb);
        else c.getData(path, cb);
      },
      timeoutMs,
    );
  }

  /**
   * getData with a callback, for the watch layer's hot path (a read per heartbeat): no promise, one
   * closure, and the request goes straight on the connection (direct-read.ts: the path is not
   * validated, so it must be one the server listed or a checked root). The callback gets (error) or
   * (null, stat, data), or (null, null, null) when the node does not exist. It runs inside the socket
   * handler: it must not throw.
   */
  readData(path: string, watcher: Watcher | undefined, timeoutMs: number | undefined, callback: DataCallback): void {
    let client: Client;
    try {
      client = this.source.client;
    } catch (err) {
      return callback(err, null, null);
    }
    const entry = this.deadlines.start('getData', path, timeoutMs ?? this.timeoutMs, (err) => callback(err, null, null));
    try {
      queueGetData(client, path, watcher as ((event: unknown) => void) | undefined, (err, data, stat) => {
        if (!this.deadlines.settle(entry)) return; // already timed out
        if (zkErrorCode(err) === NO_NODE) callback(null, null, null);
        else if (err) callback(err, null, null);
        else callback(null, stat as Stat, data ?? null);
      });
    } catch (err) {
      if (this.deadlines.settle(entry)) callback(err, null, null);
    }
  }

  /** the path created (with its sequence suffix for a sequential mode) */
  create(path: string, data: Buffer, acls: ACL[], mode: number): Promise<string> {
    return this.timed('create', path, (c, done) => c.create(path, data, acls, mode, (e, p) => done(e, p)));
  }

  setData(path: string, data: Buffer, version = -1): Promise<Stat> {
    return this.timed('setData', path, (c, done) => c.setData(path, data, version, (e, s) => done(e, s)));
  }

  remove(path: string, version = -1): Promise<void> {
    return this.timed('remove', path, (c, done) => c.remove(path, version, (e) => done(e)));
  }
  /** Delete an ephemeral node if this session owns it (a master node, a lock contender); gone already is fine. */
  async removeOwn(path: string): Promise<void> {
    const stat = await this.exists(path);
    if (!stat || !ownedBy(stat, this.sessionId)) return;
    try {
      await this.remove(path);
    } catch (err) {
      if (zkErrorCode(err) !== NO_NODE) throw err;
    }
  }


  getACL(path: string): Promise<ACL[]> {
    return this.timed('getACL', path, (c, done) => c.getACL(path, (e, acls) => done(e, acls)));
  }

  setACL(path: string, acls: ACL[], version = -1): Promise<Stat> {
    return this.timed('setACL', path, (c, done) => c.setACL(path, acls, version, (e, s) => done(e, s)));
  }

  /**
   * Create `path` and its missing ancestors with `data` (empty by default; null: no data), `acls`, `mode`;
   * the library's mkdirp, timed as one request.
   */
  mkdirp(path: string, acls: ACL[], mode: number = CreateMode.PERSISTENT, data: Buffer | null = EMPTY): Promise<string> {
    return this.timed('mkdirp', path, (c, done) => c.mkdirp(path, data as Buffer, acls, mode, (e, p) => done(e, p)));
  }

  /** Create `path` and its missing ancestors as persistent containers with `acls`; existing ones are left alone. */
  async ensurePath(path: string, acls: ACL[]): Promise<void> {
    let at = '';
    for (const segment of path.slice(1).split('/')) {
      at += `/${segment}`;
      if (await this.exists(at)) continue;
      try {
        await this.create(at, EMPTY, acls, CreateMode.PERSISTENT);
      } catch (err) {
        if (zkErrorCode(err) !== NODE_EXISTS) throw err;
      }
    }
  }

  /** All or nothing; rejects with the error of the first operation that failed. */
  transaction(ops: readonly TransactionOp[]): Promise<void> {
    return this.timed('multi', ops[0]?.path ?? '/', (c, done) => {
      const tx = c.transaction();
      for (const o of ops) {
        if (o.op === 'create') tx.create(o.path, o.data, o.acls, o.mode);
        else if (o.op === 'setData') tx.setData(o.path, o.data, o.version);
        else if (o.op === 'remove') tx.remove(o.path, o.version);
        else tx.check(o.path, o.version);
      }
      tx.commit((e) => done(e));
    });
  }
}

/** Does this stat belong to an ephemeral of the given session? */
export function ownedBy(stat: Stat, sessionId: string | null): boolean {
  return sessionId !== null && longToHex(stat.ephemeralOwner) === sessionId;
}

export const ownerOf = (stat: Stat): string => longToHex(stat.ephemeralOwner);
export const czxidOf = (stat: Stat): string => longToDecimal(stat.czxid);

export const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';
