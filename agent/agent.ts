/**
 * The agent: what a monitored Node program uses to appear in a zkpulse-watched cluster (docs/contract.md §2).
 * It registers R/workers/<id> and beats on it, reports task progress in R/status/<task>, optionally runs
 * for master, keeps all of that alive across reconnects and session expiry, and leaves on purpose.
 *
 * Nothing here throws out of a timer: background failures go to `errors$` (and `onError`). Bad
 * arguments throw synchronously, before anything is written.
 */
import { Subject, type Observable, type Subscription } from 'rxjs';
import { encodeElectionNode, encodeStatus, encodeWorker, type StatusNodeData, type WorkerNodeData, type WorkerNodeState } from '../contract/zkpulse/data.ts';
import { zkpulsePaths, type ParticipantPaths } from '../contract/zkpulse/paths.ts';
import { PROBE_WARNING_PREFIX, ZkSession } from '../zk/session.ts';
import type { ConnectionEvent } from '../zk/events.ts';
import { aclsFor } from '../zk/acl.ts';
import { Coalescer } from './coalescer.ts';
import { ZkConnection } from '../zk/connection.ts';
import { Election, type Leadership } from '../zk/election.ts';
import { EphemeralNodes } from './ephemeral-nodes.ts';
import { AgentLocks, type LockHandle, type LockOptions } from './locks.ts';
import { AgentArgumentError, AgentClosedError, ZooKeeperUnreachableError } from './errors.ts';
import { Heartbeat } from './heartbeat.ts';
import { resolveAgentOptions, type AgentOptions, type ResolvedAgentOptions } from './options.ts';
import { OutageTracker, type OutageKind } from './outage.ts';
import { checkMessage, checkName, checkProgress } from './validate.ts';
import { tcpReason } from './zk-reach.ts';

export interface AgentDiagnostics {
  sessionId: string | null;
  connected: boolean;
  /** our candidate node's name under R/election, when running for master */
  electionNode: string | null;
  /** how often a predecessor's watch woke this candidate */
  predecessorWakeups: number;
  /** status nodes we keep, by task */
  tasks: string[];
  /** the locks this agent holds or waits for, by name */
  locks: string[];
  /** how often a predecessor's watch woke one of our lock waiters */
  lockPredecessorWakeups: number;
}

const ignore = () => undefined;
const statusBytes = (data: StatusNodeData): Buffer => Buffer.from(encodeStatus(data));

/** how long a connection may take before the agent checks (over TCP) why it has none */
const CHECK_AFTER_MS = 200;

export class Agent {
  readonly id: string;
  readonly root: string;
  readonly paths: ParticipantPaths;
  /** errors of background work (heartbeats, re-registration, the election); never thrown from a timer */
  readonly errors$: Observable<Error>;
  /** leadership changes once running for master: leader (with epoch), follower, suspended, lost */
  readonly leadership$: Observable<Leadership>;
  /** ZooKeeper connection events: connected, disconnected, reconnected, expired */
  readonly connection$: Observable<ConnectionEvent>;
  /**
   * News for a person that is not an error: ZooKeeper reached again after an outage reported on
   * errors$ (a ZooKeeperUnreachableError), or a new session after an expiry; said once the worker
   * node is written again.
   */
  readonly notices$: Observable<string>;

  private readonly o: ResolvedAgentOptions;
  private readonly errors = new Subject<Error>();
  private readonly connectionEvents = new Subject<ConnectionEvent>();
  private readonly notices = new Subject<string>();
  private readonly outage: OutageTracker;
  private outageTimers: Subscription[] = [];
  /** the TCP check of the open outage, by its number */
  private diagnosis: { seq: number; reason: Promise<string | null> } | null = null;
  /** final task states not written yet: close() waits for them before leaving */
  private readonly finals = new Set<Promise<void>>();
  private readonly session: ZkSession;
  private readonly conn: ZkConnection;
  private readonly nodes: EphemeralNodes;
  private readonly election: Election;
  private readonly locks: AgentLocks;
  private readonly heartbeat: Heartbeat;
  private readonly coalescer: Coalescer<StatusNodeData>;
  private readonly tasks = new Map<string, StatusNodeData>();
  private readonly startedAt: number;
  private workerState: WorkerNodeState = 'ready';
  private started = false;
  private registered = false;
  private closing: Promise<void> | null = null;

  constructor(options: AgentOptions) {
    this.o = resolveAgentOptions(options);
    this.id = this.o.id;
    this.root = this.o.root;
    this.paths = zkpulsePaths(this.root);
    this.errors$ = this.errors.asObservable();
    this.connection$ = this.connectionEvents.asObservable();
    this.notices$ = this.notices.asObservable();
    this.outage = new OutageTracker({ connectString: this.o.connectString, id: this.id, sessionTimeoutMs: this.o.sessionTimeoutMs, graceMs: this.o.requestTimeoutMs });
    const now = () => this.o.scheduler.now();
    this.startedAt = now();
    this.session = new ZkSession({
      connectString: this.o.connectString,
      sessionTimeout: this.o.sessionTimeoutMs,
      auth: this.o.auth,
      probeIntervalMs: this.o.probeIntervalMs,
      probeTimeoutMs: this.o.requestTimeoutMs,
      scheduler: this.o.scheduler,
      now,
      onWarning: (message) => this.sessionWarning(message),
    });
    this.conn = new ZkConnection(this.session);
    const ops = this.session.ops;
    const acls = aclsFor(this.o.auth);
    const report = (err: Error) => this.report(err);
    this.nodes = new EphemeralNodes(ops, this.conn, acls, report);
    this.election = new Election({
      ops,
      conn: this.conn,
      candidates: this.paths.election,
      leader: this.paths.master,
      candidateData: () => encodeElectionNode({ id: this.id }),
      leaderData: () => encodeElectionNode({ id: this.id, since: now() }),
      acls,
      report,
      later: (ms, fn) => void this.o.scheduler.schedule(() => this.safely(fn), ms),
    });
    this.leadership$ = this.election.leadership$;
    this.locks = new AgentLocks({ ops, conn: this.conn, acls, root: this.root, owner: this.id, report, scheduler: this.o.scheduler });
    this.heartbeat = new Heartbeat(this.o.scheduler, this.o.heartbeatMs, this.o.jitter, this.o.random, () => this.safely(() => this.writeWorker()));
    this.coalescer = new Coalescer<StatusNodeData>(this.o.scheduler, this.o.progressIntervalMs, (task, data) =>
      this.safely(() => void this.nodes.set(this.paths.statusOf(task), statusBytes(data), true).catch(ignore)),
    );
    this.conn.events$.subscribe((e) => {
      if (e.kind !== 'connection') return;
      this.safely(() => {
        this.nodes.onConnection(e.state);
        this.election.onConnection(e.state);
        this.locks.onConnection(e.state);
        this.outageEvent(e.state);
        this.connectionEvents.next(e);
      });
    });
  }

  /**
   * Create R/workers/<id> (parents as needed) and start the heartbeat. Resolves once the node is written;
   * after a session loss it is re-created on the new session by itself.
   */
  register(): Promise<void> {
    this.refuseWhenClosed('register');
    this.start();
    this.registered = true;
    this.heartbeat.start();
    return this.writeWorker();
  }

  /** 'busy' or 'ready', written to the worker node at once. */
  setState(state: 'ready' | 'busy'): void {
    if (state !== 'ready' && state !== 'busy') throw new AgentArgumentError(`state: expected "ready" or "busy", got ${JSON.stringify(state)}`);
    this.refuseWhenClosed('setState');
    this.workerState = state;
    if (this.registered) void this.writeWorker();
  }

  /**
   * Report progress of `task` in R/status/<task> (state "running"). Cheap to call in a tight loop: at most
   * one write per task every progressIntervalMs, the last value always written.
   */
  progress(task: string, done: number, total: number, message?: string): void {
    checkName('task', task);
    const counts = checkProgress(done, total);
    const text = checkMessage(message);
    this.refuseWhenClosed('progress');
    this.start();
    const data: StatusNodeData = { worker: this.id, ...counts, state: 'running', message: text, updatedAt: this.o.scheduler.now() };
    this.tasks.set(task, data);
    this.coalescer.push(task, data);
  }

  /** Write the final state of `task` now (a pending progress value is superseded). Resolves once written. */
  finish(task: string, state: 'done' | 'failed' = 'done', message?: string): Promise<void> {
    checkName('task', task);
    if (state !== 'done' && state !== 'failed') throw new AgentArgumentError(`finish state: expected "done" or "failed", got ${JSON.stringify(state)}`);
    const text = checkMessage(message);
    this.refuseWhenClosed('finish');
    this.start();
    this.coalescer.cancel(task);
    const last = this.tasks.get(task);
    const data: StatusNodeData = {
      worker: this.id,
      done: last?.done ?? 0,
      total: last?.total ?? 0,
      state,
      message: text ?? last?.message ?? null,
      updatedAt: this.o.scheduler.now(),
    };
    this.tasks.set(task, data);
    // a finished task's status is not re-created after a session expiry
    const written = this.nodes.set(this.paths.statusOf(task), statusBytes(data), false);
    const tracked = written.catch(ignore).finally(() => this.finals.delete(tracked));
    this.finals.add(tracked);
    return written;
  }

  /** Join the election under R/election; follow `leadership$`. */
  runForMaster(): Observable<Leadership> {
    this.refuseWhenClosed('runForMaster');
    this.start();
    this.election.start();
    return this.leadership$;
  }

  /**
   * Wait for the lock R/locks/<name> (docs/contract.md §9) and resolve with its handle once held. Each
   * waiter watches only its predecessor. The handle's `lost` resolves AT ONCE on a disconnect (as
   * leadership says `suspended`), on session expiry, when our node is deleted and on close(); then stop
   * what the lock protects. `release()` gives it back. `waitMs`: reject with a LockTimeoutError when not
   * held in time. A bad name throws AgentArgumentError; so does a second lock() of a name this agent
   * holds or waits for (not re-entrant).
   */
  lock(name: string, opts?: LockOptions): Promise<LockHandle> {
    this.refuseWhenClosed('lock');
    const acquired = this.locks.lock(name, opts);
    this.start();
    return acquired;
  }

  /** The fencing token while leader (R/master's czxid, decimal), else null. Pass it along with writes. */
  fencingToken(): string | null {
    const l = this.election.current;
    return l?.state === 'leader' ? (l.epoch ?? null) : null;
  }

  get isLeader(): boolean {
    return this.election.current?.state === 'leader';
  }

  get leadership(): Leadership | null {
    return this.election.current;
  }

  diagnostics(): AgentDiagnostics {
    return {
      sessionId: this.session.sessionId,
      connected: this.conn.connected,
      electionNode: this.election.node,
      predecessorWakeups: this.election.predecessorWakeups,
      tasks: [...this.tasks.keys()],
      locks: this.locks.names(),
      lockPredecessorWakeups: this.locks.predecessorWakeups(),
    };
  }

  /**
   * Leave on purpose: the worker node says "leaving" first, then our status, candidate, master and worker
   * nodes are deleted, then the session is closed. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= this.leave();
    return this.closing;
  }

  private async leave(): Promise<void> {
    // a held lock is lost ('closed') at once; its node is deleted below, before anything else
    const locksReleased = this.locks.closeAll();
    this.heartbeat.stop();
    this.coalescer.dispose();
    for (const timer of this.outageTimers) timer.unsubscribe();
    const deadline = this.o.requestTimeoutMs * 3;
    try {
      await this.connectionToLeave();
      if (this.conn.connected) await withDeadline(locksReleased, deadline, 'releasing the locks');
      await this.lastWordOnOutage();
      // final task states first: a task finished just before close() is seen done/failed, not interrupted
      if (this.conn.connected && this.finals.size > 0) await withDeadline(Promise.all(this.finals), deadline, 'writing final task states');
      if (this.conn.connected && this.registered) {
        this.workerState = 'leaving';
        await withDeadline(this.writeWorker(), deadline, 'writing "leaving"');
      }
      // let monitors read "leaving" and the final task states before any node goes (see AgentOptions.leaveGraceMs):
      // a one-shot watch re-reads a node after it changed and cannot read a version already deleted
      const rest = this.o.leaveGraceMs;
      if (rest > 0 && this.conn.connected) await new Promise((resolve) => setTimeout(resolve, rest));
      for (const task of this.tasks.keys()) await withDeadline(this.nodes.remove(this.paths.statusOf(task)), deadline, `deleting status of ${task}`);
      await withDeadline(this.election.leave(), deadline, 'leaving the election');
      await withDeadline(this.nodes.remove(this.paths.worker(this.id)), deadline, 'deleting the worker node');
    } catch (err) {
      this.report(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.nodes.rejectAll(new AgentClosedError('write'));
      this.conn.close();
      // ZkSession.close waits on an unref'd timer: our ref'd deadline keeps the process alive until it is done
      if (this.started) await withDeadline(this.session.close(), 2000, 'closing the session').catch(ignore);
      this.errors.complete();
      this.connectionEvents.complete();
      this.notices.complete();
    }
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.session.start();
    this.beginOutage('start');
  }

  /** A session warning: while ZooKeeper is out of reach it is part of the outage's one message, not a message of its own. */
  private sessionWarning(message: string): void {
    // a probe that timed out is followed at once by a disconnect: that outage says it
    if (!this.conn.connected || this.outage.current !== null || message.startsWith(PROBE_WARNING_PREFIX)) this.outage.warning(message);
    else this.report(new Error(message));
  }

  private outageEvent(state: string): void {
    const now = this.o.scheduler.now();
    if (state === 'disconnected') this.beginOutage('disconnected');
    else if (state === 'expired') {
      this.beginOutage('disconnected');
      this.outage.expired(now);
    } else if (state === 'connected' || state === 'reconnected') {
      for (const timer of this.outageTimers) timer.unsubscribe();
      this.outageTimers = [];
      this.diagnosis = null;
      const notice = this.outage.connected(now, this.registered);
      if (notice === null) return;
      const said = () => !this.closing && !this.notices.closed && this.notices.next(notice);
      if (this.registered) void this.nodes.whenWritten(this.paths.worker(this.id)).then(said, ignore);
      else said();
    }
  }

  /**
   * Nothing connected: a TCP check after a moment (a healthy server answers well before; it names a
   * refused connection or an unknown host at once), and after the request timeout the outage is said
   * whatever the check found.
   */
  private beginOutage(kind: OutageKind): void {
    const before = this.outage.current;
    const seq = this.outage.begin(kind, this.o.scheduler.now());
    if (before === seq) return;
    const check = Math.min(CHECK_AFTER_MS, this.o.requestTimeoutMs);
    this.outageTimers.push(
      this.o.scheduler.schedule(() => this.safely(() => void this.diagnose(seq)), check),
      this.o.scheduler.schedule(() => this.safely(() => this.sayOutage(this.outage.due(seq, this.registered))), this.o.requestTimeoutMs),
    );
  }

  private diagnose(seq: number): Promise<string | null> {
    if (this.diagnosis?.seq === seq) return this.diagnosis.reason;
    const reason = tcpReason(this.o.connectString, this.o.requestTimeoutMs);
    this.diagnosis = { seq, reason };
    void reason.then((r) => this.closing === null && this.sayOutage(this.outage.diagnosed(seq, r, this.registered)));
    return reason;
  }

  /**
   * Leaving without a connection, and ZooKeeper not known to be out of reach: give it up to the request
   * timeout, so that a command shorter than the first connection still gets its worker and final task
   * states written. A TCP check that fails (refused, unknown host) ends the wait at once.
   */
  private async connectionToLeave(): Promise<void> {
    const seq = this.outage.current;
    if (!this.started || this.conn.connected || seq === null || this.outage.announced) return;
    let sub: Subscription | undefined;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      sub = this.conn.events$.subscribe((e) => e.kind === 'connection' && (e.state === 'connected' || e.state === 'reconnected') && resolve());
      timer = setTimeout(resolve, this.o.requestTimeoutMs);
      void this.diagnose(seq).then((reason) => reason !== null && resolve());
    });
    sub?.unsubscribe();
    clearTimeout(timer);
  }

  /** Leaving during an outage not said yet: say it now (with the TCP check's reason), without "retrying". */
  private async lastWordOnOutage(): Promise<void> {
    const seq = this.outage.current;
    if (!this.started || seq === null || this.outage.announced) return;
    const reason = await this.diagnose(seq);
    this.outage.diagnosed(seq, reason, this.registered, false);
    this.sayOutage(this.outage.closing(this.registered));
  }

  private sayOutage(message: string | null): void {
    if (message !== null) this.report(new ZooKeeperUnreachableError(message));
  }

  private writeWorker(): Promise<void> {
    const data: WorkerNodeData = {
      id: this.id,
      host: this.o.host,
      pid: this.o.pid,
      startedAt: this.startedAt,
      heartbeatMs: this.o.heartbeatMs,
      state: this.workerState,
      meta: this.o.meta,
    };
    const written = this.nodes.set(this.paths.worker(this.id), Buffer.from(encodeWorker(data)), true);
    written.catch(ignore); // callers that do not wait must not see an unhandled rejection
    return written;
  }

  private refuseWhenClosed(what: string): void {
    if (this.closing) throw new AgentClosedError(what);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.report(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private report(err: Error): void {
    if (this.errors.closed) return;
    this.errors.next(err);
    try {
      this.o.onError?.(err);
    } catch {
      // an error handler that throws must not take the agent down
    }
  }
}

export function createAgent(options: AgentOptions): Agent {
  return new Agent(options);
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`close: ${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
