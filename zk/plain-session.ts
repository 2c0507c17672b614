/**
 * A plain ZooKeeper session: one library client for the session's whole life, no liveness probe and
 * no rebuild (that is ZkSession). For short-lived tools (`zkpulse init`) and the demo's simulated
 * processes, where the end of the session is the end of the program or the process it plays.
 * Requests go through `ops` (timed, errors as the library's exceptions, see errors.ts).
 */
import zookeeper, { type Client } from 'node-zookeeper-client';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { closeClient } from './close-client.ts';
import { clientSource, ZkOps } from './ops.ts';

export interface PlainSessionOptions {
  connectString: string;
  sessionTimeout: number;
  /** digest credentials "user:password" */
  auth?: string;
  /** how long open() waits for a session before it gives up (default the session timeout) */
  connectTimeoutMs?: number;
  /** the deadline of each request (default the session timeout) */
  requestTimeoutMs?: number;
  /** the clock of request deadlines (default asyncScheduler) */
  scheduler?: SchedulerLike;
  /** called once if the server expires the session */
  onExpired?: () => void;
}

export class PlainSession {
  readonly ops: ZkOps;
  private closed = false;

  private constructor(private readonly client: Client, opts: PlainSessionOptions) {
    this.ops = new ZkOps(clientSource(client), { timeoutMs: opts.requestTimeoutMs ?? opts.sessionTimeout, scheduler: opts.scheduler });
  }

  /** Resolves once connected; rejects with "no ZooKeeper session at <connect string> within N ms". */
  static open(opts: PlainSessionOptions): Promise<PlainSession> {
    const client = zookeeper.createClient(opts.connectString, { sessionTimeout: opts.sessionTimeout, spinDelay: 200, retries: 0 });
    if (opts.auth) client.addAuthInfo('digest', Buffer.from(opts.auth));
    const session = new PlainSession(client, opts);
    client.once('expired', () => {
      if (!session.closed) opts.onExpired?.();
    });
    const waitMs = opts.connectTimeoutMs ?? opts.sessionTimeout;
    return new Promise((resolve, reject) => {
      const timer = (opts.scheduler ?? asyncScheduler).schedule(() => {
        session.closed = true;
        client.close();
        reject(new Error(`no ZooKeeper session at ${opts.connectString} within ${waitMs} ms`));
      }, waitMs);
      client.once('connected', () => {
        timer.unsubscribe();
        resolve(session);
      });
      client.connect();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Ends the session at once (its ephemerals go); resolves when the client is disconnected or after `deadlineMs`. */
  close(deadlineMs?: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.ops.close();
    return closeClient(this.client, deadlineMs);
  }
}
