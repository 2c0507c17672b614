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
import zookeeper, { type Client, type Stat } from 'node-zookeeper-client';
import { asyncScheduler, Subject, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { ConnectionEvent, ConnectionState } from './events.ts';
import { checkLibraryVersion, clientServer, hardenClient, receivedChunks } from './harden.ts';
import type { ConnectFailure } from './connect-failure.ts';
import { longToHex } from './stat.ts';
import { closeClient } from './close-client.ts';
import { connectionLoss, RequestTimeoutError } from './errors.ts';
import { ZkOps, type DataCallback, type DataReply, type Watcher } from './ops.ts';

export type { DataCallback, DataReply };

/** starts every warning about a failed liveness probe (the agent folds these into its outage line) */
export const PROBE_WARNING_PREFIX = 'zookeeper probe: ';

export interface ZkSessionOptions {
  connectString: string;
  sessionTimeout: number;
  /** digest credentials "user:password" */
  auth?: string;
  probeIntervalMs: number;
  /** the probe's deadline, and the default deadline of the session's requests */
  probeTimeoutMs: number;
  /** the clock of the probe timer and of request deadlines (default asyncScheduler) */
  scheduler?: SchedulerLike;
  /** the time stamped on connection events (default the scheduler's now) */
  now?: () => number;
  /** receives errors the library threw in its socket handler, and failed probes */
  onWarning?: (message: string) => void;
  /**
   * Each connection attempt that ended before a session was established (connection refused, DNS,
   * timeout, closed by the server). When given, a probe that times out while not connected is reported
   * here (reason "no answer within N ms") instead of through onWarning.
   */
  onConnectFailure?: (failure: ConnectFailure) => void;
}

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

export class ZkSession {
  private readonly stateSubject = new Subject<ConnectionEvent>();
  /** connection states in order: connected, disconnected, reconnected, expired */
  readonly states$: Observable<ConnectionEvent> = this.stateSubject.asObservable();

  private current: Client | null = null;
  private generation = 0;
  private state: ConnectionState | 'new' = 'new';
  private session: { id: Buffer; password: Buffer } | null = null;
  private probeTimer: Subscription | null = null;
  private retryTimer: Subscription | null = null;
  private probing = false;
  private closed = false;
  private readonly scheduler: SchedulerLike;
  private readonly now: () => number;
  /** the session's timed requests (deadline probeTimeoutMs unless a call gives its own) */
  readonly ops: ZkOps;

  constructor(private readonly opts: ZkSessionOptions) {
    checkLibraryVersion();
    this.scheduler = opts.scheduler ?? asyncScheduler;
    this.now = opts.now ?? (() => this.scheduler.now());
    this.ops = new ZkOps(this, { timeoutMs: opts.probeTimeoutMs, scheduler: this.scheduler });
  }

  start(): void {
    this.build('start');
    this.scheduleProbe();
  }

  /** The next liveness probe, one interval from now. */
  private scheduleProbe(): void {
    this.probeTimer = this.scheduler.schedule(() => {
      if (this.closed) return;
      this.scheduleProbe();
      void this.probe();
    }, this.opts.probeIntervalMs);
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
    if (!this.current) throw new Error(this.closed ? 'ZkSession closed' : 'ZkSession not started');
    return this.current;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.probeTimer?.unsubscribe();
    this.retryTimer?.unsubscribe();
    this.ops.close();
    const client = this.current;
    this.current = null;
    if (!client) return;
    await closeClient(client);
    this.stateSubject.complete();
  }

  private emit(state: ConnectionState, reason?: string): void {
    this.state = state;
    const event: ConnectionEvent = { kind: 'connection', state, time: this.now() };
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
    const onConnectFailure = this.opts.onConnectFailure;
    hardenClient(client, {
      onSocketError: (err) => {
        // a discarded client's last bytes are nobody's concern
        if (gen === this.generation && !this.closed) this.opts.onWarning?.(`zookeeper client socket handler threw: ${String(err)}`);
      },
      onConnectFailure: onConnectFailure
        ? (failure) => {
            if (gen === this.generation && !this.closed) onConnectFailure(failure);
          }
        : undefined,
    });
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
        this.retryTimer?.unsubscribe();
        this.retryTimer = this.scheduler.schedule(() => gen === this.generation && !this.closed && this.build('resume'), this.opts.probeIntervalMs);
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
        packet.callback?.(connectionLoss());
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
    const client = this.current;
    const chunksBefore = receivedChunks(client);
    try {
      await this.exists('/');
    } catch (err) {
      if (gen !== this.generation || this.closed) return;
      // ZooKeeper answers a connection's requests in order: behind a big read (a sync of 50,000 nodes) the
      // probe's reply can take longer than its deadline while the server streams the replies before it.
      // Bytes arriving meanwhile prove the connection alive; only a silent one is declared dead.
      if (err instanceof RequestTimeoutError && this.connected && receivedChunks(client) !== chunksBefore) return;
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

  /** stat, or null when the node does not exist. A watcher is set either way (existence or data). */
  exists(path: string, watcher?: Watcher): Promise<Stat | null> {
    return this.ops.exists(path, watcher);
  }

  /** children and the parent's stat, or null when the node does not exist. */
  getChildren(path: string, watcher?: Watcher, timeoutMs?: number): Promise<{ children: string[]; stat: Stat } | null> {
    return this.ops.getChildren(path, watcher, timeoutMs);
  }

  /** data and stat, or null when the node does not exist; read directly (`readData`). */
  getData(path: string, watcher?: Watcher, timeoutMs?: number): Promise<DataReply | null> {
    return new Promise((resolve, reject) =>
      this.ops.readData(path, watcher, timeoutMs, (err, stat, data) => (err ? reject(err) : resolve(stat ? { data, stat } : null))),
    );
  }

  /** The watch layer's hot read: see ZkOps.readData. */
  readData(path: string, watcher: Watcher | undefined, timeoutMs: number | undefined, callback: DataCallback): void {
    this.ops.readData(path, watcher, timeoutMs, callback);
  }
}
