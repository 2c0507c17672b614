/**
 * The edge of `haMode: shard`: feeds ZooKeeper's facts (the member listing, owner-node answers and
 * watches, the session's connection states) into the pure shardStep and carries out its actions on
 * the collector's own session. Decisions live in shard-step.ts; this file only does I/O, in order.
 */
import { asyncScheduler, BehaviorSubject, type SchedulerLike } from 'rxjs';
import { aclsFor } from '../../zk/acl.ts';
import { ZkConnection } from '../../zk/connection.ts';
import { NODE_EXISTS, NO_NODE, zkErrorCode } from '../../zk/errors.ts';
import { CreateMode, ownedBy, ZkOps } from '../../zk/ops.ts';
import type { ConnectionState as ZkConnectionState } from '../../zk/events.ts';
import type { ZkSession } from '../../zk/session.ts';
import { Timers } from '../timers.ts';
import { initialShardState, shardStep, type ShardAction, type ShardInput, type ShardState } from './shard-step.ts';
import { decodeMember, decodeOwner, encodeMember, encodeOwner, shardPaths, unitNode, unitOfNode, type MemberNode } from './shard-nodes.ts';

export interface ShardCoordinatorOptions {
  session: ZkSession;
  haPath: string;
  instance: string;
  units: readonly string[];
  replicas: number;
  /** this collector's API base URL, written into its member node */
  http: () => string | null;
  auth?: string;
  requestTimeoutMs: number;
  now: () => number;
  scheduler?: SchedulerLike;
  /** watch these units; resolves once they synced and the engine judged them */
  watch: (units: ReadonlySet<string>) => Promise<void>;
  /**
   * act for exactly these units: narrowing must take effect before this returns; the promise resolves
   * once what left is flushed (a notice in flight answered, the notification log written)
   */
  act: (units: ReadonlySet<string>) => Promise<void>;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}

/** how long before a failed request (create, listing) is tried again */
const RETRY_MS = 1000;
/** how often the member and owner listings are read again besides their watches */
const RESYNC_MS = 1000;
/** at least this long before a request that was never answered counts as failed */
const REQUEST_DEADLINE_MS = 3000;

export class ShardCoordinator {
  private state: ShardState;
  private readonly ops: ZkOps;
  private readonly conn: ZkConnection;
  private readonly timers: Timers;
  private readonly paths: { members: string; owners: string };
  private readonly acls;
  /** the session our member node belongs to */
  private registeredOn: string | null = null;
  private stopped = false;
  /** the last member listing with each member's node */
  private memberNodes: readonly MemberNode[] = [];
  /** unit → owner instance, as the owners listing says */
  private ownerMap = new Map<string, string>();
  /** a problem to show on /api/collector (duplicate instance name) */
  problem: string | null = null;
  /** the last release's flush, so a new owner is told only after */
  private releaseFlush: Promise<void> = Promise.resolve();
  readonly acting$ = new BehaviorSubject<ReadonlySet<string>>(new Set());

  constructor(private readonly o: ShardCoordinatorOptions) {
    this.state = initialShardState(o.instance, o.units, o.replicas);
    this.ops = new ZkOps(o.session, { timeoutMs: o.requestTimeoutMs });
    this.conn = new ZkConnection(o.session);
    this.timers = new Timers(o.scheduler ?? asyncScheduler);
    this.paths = shardPaths(o.haPath);
    this.acls = aclsFor(o.auth);
  }

  start(): void {
    this.conn.events$.subscribe((e) => {
      if (e.kind !== 'connection' || this.stopped) return;
      this.onConnection(e.state);
    });
    if (this.o.session.connected) this.onConnection('connected');
    this.keepResyncing();
  }

  /**
   * Watches are one-shot and set on the session's current client: one lost with a replaced client
   * would leave a stale view. Re-reading every RESYNC_MS bounds that (a few small reads).
   */
  private keepResyncing(): void {
    this.timers.later(RESYNC_MS, () => {
      if (this.stopped) return;
      if (this.o.session.connected) {
        // a connection event missed (started in the middle of a reconnect): catch up as if it came now
        if (!this.state.connected) this.onConnection(this.registeredOn !== null && this.registeredOn === this.o.session.sessionId ? 'reconnected' : 'connected');
        // a registration whose retry was cut by a connection change is picked up here
        else if (this.registeredOn !== this.o.session.sessionId) void this.register();
        else this.resync();
      }
      this.keepResyncing();
    });
  }

  private resync(): void {
    if (this.registeredOn !== this.o.session.sessionId) return;
    void this.listMembers();
    void this.listOwners();
    for (const unit of this.state.blocked) void this.waitOut(unit, this.ownerPath(unit));
  }

  get acting(): ReadonlySet<string> {
    return this.state.acting;
  }

  get watched(): ReadonlySet<string> {
    return this.state.watched;
  }

  get ready(): boolean {
    return this.state.ready;
  }

  /** the protocol's view, for /api/collector: what it waits on */
  pendingView(): { connected: boolean; claiming: string[]; blocked: string[]; releasing: string[] } {
    const s = this.state;
    return { connected: s.connected, claiming: [...s.claiming].sort(), blocked: [...s.blocked].sort(), releasing: [...s.releasing].sort() };
  }

  members(): readonly MemberNode[] {
    return this.memberNodes;
  }

  owners(): ReadonlyMap<string, string> {
    return this.ownerMap;
  }

  /**
   * A request's answer, or an error after REQUEST_DEADLINE_MS: a request sent on a client the session
   * replaced may never be answered, and a claim or listing waiting on it would stall the protocol.
   */
  private within<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      this.timers.later(Math.max(REQUEST_DEADLINE_MS, 2 * this.o.requestTimeoutMs), () => {
        if (!done) reject(new Error('no answer from ZooKeeper'));
        done = true;
      });
      work.then(
        (v) => {
          if (!done) resolve(v);
          done = true;
        },
        (err: unknown) => {
          if (!done) reject(err instanceof Error ? err : new Error(String(err)));
          done = true;
        },
      );
    });
  }

  private onConnection(state: ZkConnectionState): void {
    if (state === 'connected') {
      // a new session (the first, or after an expiry): start over and register again
      const sid = this.o.session.sessionId;
      if (this.registeredOn !== null && this.registeredOn !== sid) this.input({ kind: 'connection', state: 'expired' });
      this.input({ kind: 'connection', state: 'connected' });
      void this.register();
    } else if (state === 'reconnected') {
      this.input({ kind: 'connection', state: 'connected' });
      // started while disconnected: the first answer we see is a reconnect
      if (this.registeredOn !== this.o.session.sessionId) void this.register();
      else this.resync();
    } else {
      this.input({ kind: 'connection', state: state === 'expired' ? 'expired' : 'disconnected' });
    }
  }

  private input(input: ShardInput): void {
    if (this.stopped && input.kind !== 'released') return;
    const { state, actions } = shardStep(this.state, input);
    this.state = state;
    for (const a of actions) this.run(a);
  }

  private run(a: ShardAction): void {
    switch (a.kind) {
      case 'act': {
        const units = a.units;
        this.acting$.next(units);
        // narrowing takes effect inside act(); a claim waits for the releases before it
        const flushed = this.o.act(units).catch((err: unknown) => this.o.log.warn({ err: String(err) }, 'shard: changing the units acted for failed'));
        this.releaseFlush = flushed;
        this.o.log.info({ units: [...units].sort() }, 'shard: acting for');
        return;
      }
      case 'watch': {
        const units = a.units;
        const session = this.o.session.sessionId;
        this.o
          .watch(units)
          .then(() => this.o.session.sessionId === session && this.input({ kind: 'synced', units: [...units] }))
          .catch((err: unknown) => this.o.log.warn({ err: String(err) }, 'shard: watching units failed'));
        return;
      }
      case 'setReady':
        void this.writeMember(true);
        return;
      case 'create':
        void this.claim(a.unit);
        return;
      case 'release':
        void this.release(a.unit);
        return;
    }
  }

  private memberPath(): string {
    return `${this.paths.members}/${this.o.instance}`;
  }

  private memberData(ready: boolean): Buffer {
    return encodeMember({ id: this.o.instance, since: this.o.now(), ready, http: this.o.http() });
  }

  private registering = false;
  private async register(): Promise<void> {
    if (this.registering || this.stopped) return;
    this.registering = true;
    try {
      await this.registerOnce();
    } finally {
      this.registering = false;
    }
  }

  private async registerOnce(): Promise<void> {
    const sid = this.o.session.sessionId;
    try {
      await this.within(this.ops.ensurePath(this.paths.members, this.acls.container));
      await this.within(this.ops.ensurePath(this.paths.owners, this.acls.container));
      try {
        await this.within(this.ops.create(this.memberPath(), this.memberData(false), this.acls.node, CreateMode.EPHEMERAL));
      } catch (err) {
        if (zkErrorCode(err) !== NODE_EXISTS) throw err;
        const stat = await this.within(this.ops.exists(this.memberPath()));
        if (stat && !ownedBy(stat, this.ops.sessionId)) {
          // never two owners: a second live collector with our name is an error, not a takeover
          this.problem = `another live collector is registered as ${JSON.stringify(this.o.instance)} under ${this.paths.members}: give each collector its own --instance`;
          this.o.log.error({ node: this.memberPath() }, `shard: ${this.problem}; trying again in ${RESYNC_MS} ms`);
          return;
        }
      }
      this.problem = null;
      this.registeredOn = sid;
      await Promise.all([this.listMembers(), this.listOwners()]);
    } catch (err) {
      if (this.stopped) return;
      // tried again by the resync tick, on whatever session is current then
      this.o.log.warn({ err: String(err) }, `shard: registering under ${this.paths.members} failed; trying again in ${RESYNC_MS} ms`);
    }
  }

  private async writeMember(ready: boolean): Promise<void> {
    try {
      await this.within(this.ops.setData(this.memberPath(), this.memberData(ready)));
      this.input({ kind: 'readyWritten' });
      await this.listMembers();
    } catch (err) {
      if (this.stopped) return;
      this.o.log.warn({ err: String(err) }, 'shard: writing our member node failed; trying again');
      this.timers.later(RETRY_MS, () => !this.stopped && void this.writeMember(ready));
    }
  }

  /** the children of members/ (watched) and each one's data (watched: a ready flag flips) */
  private listing = false;
  private listAgain = false;
  private async listMembers(): Promise<void> {
    if (this.listing) {
      this.listAgain = true;
      return;
    }
    this.listing = true;
    try {
      do {
        this.listAgain = false;
        const again = () => !this.stopped && void this.listMembers();
        const listed = await this.within(this.ops.getChildren(this.paths.members, again));
        const nodes = await Promise.all(
          (listed?.children ?? []).sort().map(async (name) => {
            const reply = await this.within(this.ops.getData(`${this.paths.members}/${name}`, again)).catch((err: unknown) => {
              if (zkErrorCode(err) === NO_NODE) return null;
              throw err;
            });
            return reply ? decodeMember(name, reply.data) : null;
          }),
        );
        this.memberNodes = nodes.filter((n): n is MemberNode => n !== null);
        this.input({ kind: 'members', members: this.memberNodes.map((m) => ({ id: m.id, ready: m.ready })) });
      } while (this.listAgain && !this.stopped);
    } catch (err) {
      if (!this.stopped) {
        this.o.log.warn({ err: String(err) }, 'shard: listing the members failed; trying again');
        this.timers.later(RETRY_MS, () => !this.stopped && void this.listMembers());
      }
    } finally {
      this.listing = false;
    }
  }

  /** who holds which owner node, for the API (not for decisions: those use our own answers) */
  private ownersGeneration = 0;
  private async listOwners(): Promise<void> {
    const generation = ++this.ownersGeneration;
    try {
      const again = () => !this.stopped && void this.listOwners();
      const listed = await this.within(this.ops.getChildren(this.paths.owners, again));
      const map = new Map<string, string>();
      await Promise.all(
        (listed?.children ?? []).map(async (name) => {
          const reply = await this.within(this.ops.getData(`${this.paths.owners}/${name}`)).catch(() => null);
          const id = reply ? decodeOwner(reply.data) : null;
          if (id) map.set(unitOfNode(name), id);
        }),
      );
      // an older listing finishing late must not replace a newer one
      if (generation === this.ownersGeneration) this.ownerMap = map;
    } catch {
      // only the API's view: the 1 s resync reads it again anyway
      if (!this.stopped) this.timers.later(RETRY_MS, () => !this.stopped && void this.listOwners());
    }
  }

  private ownerPath(unit: string): string {
    return `${this.paths.owners}/${unitNode(unit)}`;
  }

  private async claim(unit: string): Promise<void> {
    const path = this.ownerPath(unit);
    try {
      await this.within(this.ops.create(path, encodeOwner(this.o.instance, this.o.now()), this.acls.node, CreateMode.EPHEMERAL));
      this.input({ kind: 'created', unit });
    } catch (err) {
      if (zkErrorCode(err) !== NODE_EXISTS) {
        if (this.stopped) return;
        this.o.log.warn({ unit, err: String(err) }, 'shard: claiming a unit failed; trying again');
        this.input({ kind: 'failed', unit });
        this.timers.later(RETRY_MS, () => this.input({ kind: 'tick' }));
        return;
      }
      await this.waitOut(unit, path);
    }
    void this.listOwners();
  }

  /** an owner node that exists: ours (a create whose answer was lost) is adopted; another's is waited out */
  private async waitOut(unit: string, path: string): Promise<void> {
    const sid = this.o.session.sessionId;
    const gone = () => this.o.session.sessionId === sid && this.input({ kind: 'gone', unit });
    try {
      const stat = await this.within(this.ops.exists(path, () => gone()));
      if (!stat) return void gone();
      if (ownedBy(stat, this.ops.sessionId)) return void this.input({ kind: 'created', unit });
      this.input({ kind: 'exists', unit });
    } catch {
      this.input({ kind: 'failed', unit });
      this.timers.later(RETRY_MS, () => this.input({ kind: 'tick' }));
    }
  }

  /** acting already stopped (the act action came first): wait for its flush, then delete our node */
  private async release(unit: string): Promise<void> {
    await this.releaseFlush;
    try {
      await this.within(this.ops.removeOwn(this.ownerPath(unit)));
      this.input({ kind: 'released', unit });
      void this.listOwners();
    } catch (err) {
      if (this.stopped) return;
      this.o.log.warn({ unit, err: String(err) }, 'shard: releasing a unit failed; trying again');
      this.timers.later(RETRY_MS, () => void this.release(unit));
    }
  }

  /**
   * Leave on purpose: stop acting for everything, wait for the flush, delete our owner nodes and our
   * member node, so the others take over at once.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.cancelAll();
    const held = [...this.state.held];
    this.state = { ...this.state, acting: new Set() };
    this.acting$.next(new Set());
    await this.o.act(new Set()).catch(() => undefined);
    await Promise.all(held.map((u) => this.ops.removeOwn(this.ownerPath(u)).catch(() => undefined)));
    await this.ops.removeOwn(this.memberPath()).catch(() => undefined);
    this.conn.close();
  }
}
