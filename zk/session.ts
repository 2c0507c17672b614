/**
 * The collector's ZooKeeper session, with liveness we own.
 *
 * node-zookeeper-client has no read timeout: through a silent partition it stays "connected"
 * (its issue #13). We probe the server with a timed request; when it does not answer in time we
 * report `disconnected` and rebuild the client, re-attaching to the same session (id + password)
 * so that a partition shorter than the session timeout costs no session. The server tells us when
 * the session is gone (`expired`); then we start a new one. Each new client is a new generation:
 * callers re-read what they watch when `reconnected`/`connected` comes (see tree-watcher.ts).
 */
import { createRequire } from 'node:module';
import zookeeper, { type Client, type Stat } from 'node-zookeeper-client';
import { Subject, type Observable } from 'rxjs';
import type { ConnectionEvent, ConnectionState } from './events.ts';
import { clientServer, hardenZooKeeperClient, onClientConnectFailure, onClientSocketError } from './harden.ts';
import type { ConnectFailure } from './connect-failure.ts';
import { longToHex } from './stat.ts';
import { closeClient } from './close-client.ts';
import { queueGetData } from './direct-read.ts';

/** starts every warning about a failed liveness probe (the agent folds these into its outage line) */
export const PROBE_WARNING_PREFIX = 'zookeeper probe: ';

export interface ZkSessionOptions {
  connectString: string;
  sessionTimeout: number;
  /** digest credentials "user:password" */
  auth?: string;
  probeIntervalMs: number;
  probeTimeoutMs: number;
  now: () => number;
  /** receives errors the library threw in its socket handler, and failed probes */
  onWarning?: (message: string) => void;
  /**
   * Each connection attempt that ended before a session was established (connection refused, DNS,
   * timeout, closed by the server). When given, a probe that times out while not connected is reported
   * here (reason "no answer within N ms") instead of through onWarning.
   */
  onConnectFailure?: (failure: ConnectFailure) => void;
}

/** A ZooKeeper error code of the library (NO_NODE = -101, ...). */
export function zkErrorCode(err: unknown): number | undefined {
  const e = err as { getCode?: () => number } | null;
  return typeof e?.getCode === 'function' ? e.getCode() : undefined;
}

export const NO_NODE = -101;
export const NODE_EXISTS = -110;

export class RequestTimeoutError extends Error {
  constructor(op: string, path: string, ms: number) {
    super(`${op} ${path}: no answer within ${ms} ms`);
  }
}

type Watcher = (event: zookeeper.Event) => void;

export interface DataReply {
  data: Buffer | null;
  stat: Stat;
}

/** (error) or (null, stat, data); stat null when the node does not exist */
export type DataCallback = (err: unknown, stat: Stat | null, data: Buffer | null) => void;

interface PendingRequest {
  deadline: number;
  expire(): void;
}

/** A request's deadline (a class, not a closure per request: reads are pipelined by the thousand). */
class Deadline<T> implements PendingRequest {
  readonly deadline: number;

  constructor(
    private readonly op: string,
    private readonly path: string,
    private readonly timeoutMs: number,
    private readonly callback: (err: unknown, value?: T) => void,
  ) {
    this.deadline = performance.now() + timeoutMs;
  }

  expire(): void {
    this.callback(new RequestTimeoutError(this.op, this.path, this.timeoutMs));
  }
}

/** how often request deadlines are checked; a timeout is noticed at most this late */
const SWEEP_MS = 50;

interface QueuedPacket {
  callback?: (err: unknown) => void;
}

interface DiscardableManager {
  state: number;
  socket?: { destroy(): void };
  connect(): void;
  onSocketConnected(): void;
  packetQueue: { queue: QueuedPacket[] };
  pendingQueue: QueuedPacket[];
}

const ZkException = createRequire(import.meta.url)('node-zookeeper-client/lib/Exception.js') as {
  CONNECTION_LOSS: number;
  create(code: number): Error;
};

export class ZkSession {
  private readonly stateSubject = new Subject<ConnectionEvent>();
  /** connection states in order: connected, disconnected, reconnected, expired */
  readonly states$: Observable<ConnectionEvent> = this.stateSubject.asObservable();

  private current: Client | null = null;
  private generation = 0;
  private state: ConnectionState | 'new' = 'new';
  private session: { id: Buffer; password: Buffer } | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  private probing = false;
  private readonly pending = new Set<PendingRequest>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: ZkSessionOptions) {
    hardenZooKeeperClient();
  }

  start(): void {
    this.build('start');
    this.probeTimer = setInterval(() => void this.probe(), this.opts.probeIntervalMs);
    this.probeTimer.unref();
  }

  get connected(): boolean {
    return this.state === 'connected' || this.state === 'reconnected';
  }

  get connectionState(): ConnectionState | 'new' {
    return this.state;
  }

  /** current session id as 16 hex digits, or null before the first connect */
  get sessionId(): string | null {
    return this.session ? longToHex(this.session.id) : null;
  }

  /** host:port of the server the session is connected to (or last tried), if known */
  get server(): string | undefined {
    return this.current ? clientServer(this.current) : undefined;
  }

  /** The live client; throws before start(). For writers (agent, demo) that manage their own ops. */
  get client(): Client {
    if (!this.current) throw new Error('ZkSession not started');
    return this.current;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    const client = this.current;
    this.current = null;
    if (!client) return;
    await closeClient(client);
    this.stateSubject.complete();
  }

  private emit(state: ConnectionState, reason?: string): void {
    this.state = state;
    const event: ConnectionEvent = { kind: 'connection', state, time: this.opts.now() };
    if (this.session && (state === 'connected' || state === 'reconnected')) event.sessionId = longToHex(this.session.id);
    if (reason) event.reason = reason;
    this.stateSubject.next(event);
  }

  /** Make a new client. With `resume`, it re-attaches to the current session. */
  private build(why: 'start' | 'resume' | 'expired'): void {
    const old = this.current;
    if (old) this.discard(old);
    const gen = ++this.generation;
    const options: Record<string, unknown> = { sessionTimeout: this.opts.sessionTimeout, spinDelay: 200, retries: 0 };
    if (why === 'resume' && this.session) {
      options.sessionId = this.session.id;
      options.sessionPassword = this.session.password;
    }
    const client = zookeeper.createClient(this.opts.connectString, options);
    this.current = client;
    onClientSocketError(client, (err) => {
      // a discarded client's last bytes are nobody's concern
      if (gen === this.generation && !this.closed) this.opts.onWarning?.(`zookeeper client socket handler threw: ${String(err)}`);
    });
    const onConnectFailure = this.opts.onConnectFailure;
    if (onConnectFailure) {
      onClientConnectFailure(client, (failure) => {
        if (gen === this.generation && !this.closed) onConnectFailure(failure);
      });
    }
    if (this.opts.auth) client.addAuthInfo('digest', Buffer.from(this.opts.auth));

    client.on('state', (s: zookeeper.State) => {
      if (gen !== this.generation || this.closed) return;
      const name = s.name;
      if (name === 'SYNC_CONNECTED') {
        const id = client.getSessionId();
        const same = this.session !== null && this.session.id.equals(id);
        this.session = { id, password: client.getSessionPassword() };
        this.emit(same && this.state !== 'new' ? 'reconnected' : 'connected');
      } else if (name === 'DISCONNECTED') {
        if (this.connected) this.emit('disconnected', 'connection lost');
      } else if (name === 'EXPIRED') {
        this.emit('expired', 'session expired');
        this.session = null;
        this.build('expired');
      } else if (name === 'AUTH_FAILED') {
        if (this.connected) this.emit('disconnected', 'authentication failed');
        this.opts.onWarning?.('zookeeper authentication failed; retrying');
        setTimeout(() => gen === this.generation && !this.closed && this.build('resume'), this.opts.probeIntervalMs).unref();
      }
    });
    client.connect();
  }

  /**
   * Stop an old client without closing its session (the new client may be using it): no
   * close-session request, and no reconnect that could steal the session back later.
   */
  private discard(client: Client): void {
    client.removeAllListeners();
    const cm = (client as unknown as { connectionManager: DiscardableManager }).connectionManager;
    cm.connect = () => undefined;
    cm.onSocketConnected = function (this: DiscardableManager) {
      this.socket?.destroy();
    };
    cm.state = -2; // CLOSED
    cm.socket?.destroy();
    // Whatever was asked of this client and not answered fails now (connection loss), so that no caller
    // that went to the library directly (the alert state store) waits forever on a client nobody serves.
    const unanswered = [...cm.pendingQueue.splice(0), ...cm.packetQueue.queue.splice(0)];
    for (const packet of unanswered) {
      try {
        packet.callback?.(ZkException.create(ZkException.CONNECTION_LOSS));
      } catch {
        // a caller's callback must not stop the others from being told
      }
    }
  }

  /** One timed request; when it does not answer, the connection is declared dead and rebuilt. */
  private async probe(): Promise<void> {
    if (this.probing || this.closed || !this.current) return;
    this.probing = true;
    const gen = this.generation;
    try {
      await this.exists('/');
    } catch (err) {
      if (gen !== this.generation || this.closed) return;
      if (err instanceof RequestTimeoutError) {
        const report = this.opts.onConnectFailure;
        if (!this.connected && report) {
          const server = (this.current && clientServer(this.current)) ?? this.opts.connectString;
          report({ server, reason: `no answer within ${this.opts.probeTimeoutMs} ms`, code: 'ETIMEDOUT' });
        } else this.opts.onWarning?.(`${PROBE_WARNING_PREFIX}${err.message}`);
        if (this.connected) this.emit('disconnected', 'probe timeout');
        this.build(this.session ? 'resume' : 'start');
      }
    } finally {
      this.probing = false;
    }
  }

  /**
   * Runs one request with a deadline. ZooKeeper answers in order, so deadlines are checked by one
   * sweep timer rather than a timer per request (a sync pipelines thousands of reads).
   */
  private timed<T>(op: string, path: string, run: (client: Client, done: (err: unknown, value?: T) => void) => void, timeoutMs = this.opts.probeTimeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const client = this.current;
      if (!client) return reject(new Error('ZkSession closed'));
      const done = this.withDeadline<T>(op, path, timeoutMs, (err, value) => (err ? reject(err) : resolve(value as T)));
      try {
        run(client, done);
      } catch (err) {
        done(err);
      }
    });
  }

  /** `callback`, called once: with the answer, or with a RequestTimeoutError when none came in time. */
  private withDeadline<T>(op: string, path: string, timeoutMs: number, callback: (err: unknown, value?: T) => void): (err: unknown, value?: T) => void {
    const entry = new Deadline(op, path, timeoutMs, callback);
    this.track(entry);
    return (err, value) => {
      if (!this.pending.delete(entry)) return; // already timed out
      callback(err, value);
    };
  }

  /** Watch a request's deadline (one sweep timer for all of them, running while any is pending). */
  private track(entry: PendingRequest): void {
    this.pending.add(entry);
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => {
      const now = performance.now();
      for (const entry of this.pending) {
        if (entry.deadline <= now) {
          this.pending.delete(entry);
          entry.expire();
        }
      }
      if (this.pending.size === 0 && this.sweepTimer) {
        clearInterval(this.sweepTimer);
        this.sweepTimer = null;
      }
    }, SWEEP_MS);
    this.sweepTimer.unref();
  }

  /** stat, or null when the node does not exist. A watcher is set either way (existence or data). */
  exists(path: string, watcher?: Watcher): Promise<Stat | null> {
    return this.timed('exists', path, (c, done) => {
      const cb = (err: unknown, stat: Stat) => done(err, err ? undefined : (stat ?? null));
      if (watcher) c.exists(path, watcher, cb);
      else c.exists(path, cb);
    });
  }

  /** children and the parent's stat, or null when the node does not exist. */
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

  /** data and stat, or null when the node does not exist. */
  getData(path: string, watcher?: Watcher, timeoutMs?: number): Promise<DataReply | null> {
    return new Promise((resolve, reject) =>
      this.readData(path, watcher, timeoutMs, (err, stat, data) => (err ? reject(err) : resolve(stat ? { data, stat } : null))),
    );
  }

  /**
   * getData with a callback, for the watch layer's hot path (a read per heartbeat): no promise, one
   * closure, and the request goes straight on the connection (direct-read.ts). The callback gets
   * (error) or (null, stat, data), or (null, null, null) when the node does not exist. It runs inside
   * the socket handler: it must not throw.
   */
  readData(path: string, watcher: Watcher | undefined, timeoutMs: number | undefined, callback: DataCallback): void {
    const client = this.current;
    if (!client) return callback(new Error('ZkSession closed'), null, null);
    const entry = new Deadline<never>('getData', path, timeoutMs ?? this.opts.probeTimeoutMs, (err) => callback(err, null, null));
    this.track(entry);
    try {
      queueGetData(client, path, watcher as ((event: unknown) => void) | undefined, (err, data, stat) => {
        if (!this.pending.delete(entry)) return; // already timed out
        if (zkErrorCode(err) === NO_NODE) callback(null, null, null);
        else if (err) callback(err, null, null);
        else callback(null, stat as Stat, data ?? null);
      });
    } catch (err) {
      if (this.pending.delete(entry)) callback(err, null, null);
    }
  }
}
