/**
 * A recipe's view of its ZooKeeper session (the agent's nodes and elections, the collectors' HA election): a generation number that moves on every connection
 * event (so a loop started on an older connection knows to stop), and one-shot watches that also
 * wake on a connection event or on close — a watch set on a replaced client would never fire.
 */
import { Subject, type Subscription } from 'rxjs';
import type { ConnectionEvent } from './events.ts';
import type { ZkSession } from './session.ts';
import type { Watcher } from './ops.ts';
import { CONNECTION_LOSS, OPERATION_TIMEOUT, RequestTimeoutError, SESSION_EXPIRED, SESSION_MOVED, zkErrorCode } from './errors.ts';

export type Wake = 'fired' | 'connection' | 'closed';

export interface ArmedWatch {
  watcher: Watcher;
  woke: Promise<Wake>;
  cancel(): void;
}

/** Thrown inside a loop whose connection generation has passed: not an error, the loop just ends. */
export class Superseded extends Error {
  override readonly name = 'Superseded';
}

export class ZkConnection {
  private readonly eventsSubject = new Subject<ConnectionEvent | { kind: 'closed' }>();
  /** every connection event, after `generation` and `connected` were updated */
  readonly events$ = this.eventsSubject.asObservable();
  generation = 0;
  connected = false;
  closed = false;
  private readonly subscription: Subscription;

  constructor(session: ZkSession) {
    this.subscription = session.states$.subscribe((e) => {
      this.generation++;
      this.connected = e.state === 'connected' || e.state === 'reconnected';
      this.eventsSubject.next(e);
    });
  }

  /** Stop every wait: loops see `closed` and end. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connected = false;
    this.generation++;
    this.eventsSubject.next({ kind: 'closed' });
    this.subscription.unsubscribe();
    this.eventsSubject.complete();
  }

  live(generation: number): boolean {
    return !this.closed && generation === this.generation;
  }

  guard(generation: number): void {
    if (!this.live(generation)) throw new Superseded('connection changed');
  }

  arm(): ArmedWatch {
    let resolve!: (w: Wake) => void;
    const woke = new Promise<Wake>((r) => (resolve = r));
    const sub = this.eventsSubject.subscribe((e) => {
      sub.unsubscribe();
      resolve(e.kind === 'closed' ? 'closed' : 'connection');
    });
    if (this.closed) resolve('closed');
    return {
      woke,
      watcher: () => {
        sub.unsubscribe();
        resolve('fired');
      },
      cancel: () => sub.unsubscribe(),
    };
  }
}

/** Errors that mean "the connection is not there right now": retried on the next connection event. */
export function isConnectionProblem(err: unknown): boolean {
  if (err instanceof Superseded) return true;
  if (err instanceof RequestTimeoutError) return true;
  const code = zkErrorCode(err);
  return (
    code === CONNECTION_LOSS ||
    code === OPERATION_TIMEOUT ||
    code === SESSION_EXPIRED ||
    code === SESSION_MOVED ||
    (err instanceof Error && /not started|closed/.test(err.message))
  );
}
