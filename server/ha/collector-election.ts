/**
 * The election of the active collector among those sharing one `haPath`, on the collector's own
 * ZooKeeper session. It uses the ZooKeeper layer's recipe (zk/election.ts): candidates are
 * EPHEMERAL_SEQUENTIAL `<haPath>/n_<seq>` nodes `{"id":<instance>}`, each watching only its
 * predecessor; the lowest one creates `<haPath>/active` (EPHEMERAL, `{"id","since"}`) and only
 * then is active. The fencing epoch is that node's czxid.
 */
import { asyncScheduler, map, type Observable, type SchedulerLike } from 'rxjs';
import { encodeElectionNode } from '../../contract/index.ts';
import { aclsFor } from '../../zk/acl.ts';
import { ZkConnection } from '../../zk/connection.ts';
import { Election, type Leadership } from '../../zk/election.ts';
import { ZkOps } from '../../zk/ops.ts';
import type { ZkSession } from '../../zk/session.ts';
import { Timers } from '../timers.ts';
import { roleOf, type CollectorRole } from './role.ts';

export interface CollectorElectionOptions {
  session: ZkSession;
  /** the group's path, e.g. /zkpulse/collectors/default */
  path: string;
  /** this collector's instance name, written into its candidate node */
  id: string;
  /** digest "user:password": our nodes become creator-all + world-read */
  auth?: string;
  requestTimeoutMs: number;
  now: () => number;
  /** the election's retry timers (default asyncScheduler) */
  scheduler?: SchedulerLike;
  report: (err: Error) => void;
}

/** Where the group's nodes live: candidates directly under the path, the active one at `<path>/active`. */
export function haPaths(path: string): { candidates: string; leader: string } {
  return { candidates: path, leader: `${path}/active` };
}

export class CollectorElection {
  private readonly conn: ZkConnection;
  private readonly election: Election;
  /** the retry timers pending; cancelled by stop() */
  private readonly timers: Timers;
  /** 'active' | 'standby', replaying the current one */
  readonly role$: Observable<CollectorRole>;
  readonly leadership$: Observable<Leadership>;

  /** Create before the session starts, so the first `connected` is seen. */
  private readonly report: (err: Error) => void;

  constructor(opts: CollectorElectionOptions) {
    this.report = opts.report;
    this.conn = new ZkConnection(opts.session);
    this.timers = new Timers(opts.scheduler ?? asyncScheduler);
    this.election = new Election({
      ops: new ZkOps(opts.session, { timeoutMs: opts.requestTimeoutMs }),
      conn: this.conn,
      ...haPaths(opts.path),
      candidateData: () => encodeElectionNode({ id: opts.id }),
      leaderData: () => encodeElectionNode({ id: opts.id, since: opts.now() }),
      acls: aclsFor(opts.auth),
      report: opts.report,
      later: (ms, fn) => this.timers.later(ms, fn),
    });
    this.conn.events$.subscribe((e) => {
      if (e.kind === 'connection') this.election.onConnection(e.state);
    });
    this.leadership$ = this.election.leadership$;
    this.role$ = this.leadership$.pipe(map((l) => roleOf(l.state)));
  }

  get role(): CollectorRole {
    return roleOf(this.election.current?.state ?? null);
  }

  /** the fencing token while active: `<path>/active`'s czxid */
  get epoch(): string | null {
    return this.election.current?.state === 'leader' ? (this.election.current.epoch ?? null) : null;
  }

  start(): void {
    this.election.start();
  }

  /** Leave the group on purpose (standby first, then our nodes are deleted), so a standby takes over at once. */
  async stop(): Promise<void> {
    this.timers.cancelAll();
    await this.election.leave().catch((err: unknown) => this.report(err instanceof Error ? err : new Error(String(err))));
    this.conn.close();
  }
}
