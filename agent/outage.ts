/**
 * When and how to tell a person that the agent cannot reach ZooKeeper: once per outage (not once per
 * failed probe), promptly, with the address, the reason and what it means for the worker's
 * registration; and, once connected again, that it is registered. Pure: time and every observation
 * are passed in; the agent does the I/O (agent.ts, zk-reach.ts).
 *
 * An outage starts with the agent (nothing connected yet) or with a disconnect. It is announced as
 * soon as a TCP connect to every server fails (refused, unknown host...), or when `graceMs` has passed
 * without a connection (a server that accepts connections but does not answer, failed auth).
 */
export type OutageKind = 'start' | 'disconnected';

export interface OutageContext {
  connectString: string;
  id: string;
  sessionTimeoutMs: number;
  /** how long a connection may take before it is an outage (the agent's request timeout) */
  graceMs: number;
}

interface Open {
  seq: number;
  kind: OutageKind;
  since: number;
  announced: boolean;
  expired: boolean;
  /** undefined: not diagnosed yet; null: a server accepts TCP connections */
  tcp: string | null | undefined;
  warning: string | null;
}

const seconds = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

export class OutageTracker {
  private open: Open | null = null;
  private seq = 0;

  constructor(private readonly c: OutageContext) {}

  /** The open outage's number (for diagnose/due), or null when connected. */
  get current(): number | null {
    return this.open?.seq ?? null;
  }

  get announced(): boolean {
    return this.open?.announced === true;
  }

  /** Nothing connected since `now` (start, or a disconnect). Returns the outage's number. */
  begin(kind: OutageKind, now: number): number {
    this.open ??= { seq: ++this.seq, kind, since: now, announced: false, expired: false, tcp: undefined, warning: null };
    return this.open.seq;
  }

  /** The session expired: the worker's nodes are gone until the new session has written them again. */
  expired(now: number): void {
    this.begin('disconnected', now);
    this.open!.expired = true;
  }

  /** A warning of the session while not connected: a hint at the reason, never shown on its own. */
  warning(message: string): void {
    if (this.open) this.open.warning = message;
  }

  /** The TCP check of outage `seq` found `reason` (null: a server accepts connections). The message to say, if now. */
  diagnosed(seq: number, reason: string | null, registered: boolean, announce = true): string | null {
    const o = this.open;
    if (!o || o.seq !== seq) return null;
    o.tcp = reason;
    return reason !== null && announce ? this.announce(o, reason, registered) : null;
  }

  /** `graceMs` after outage `seq` began: the message to say, if it is still on and unannounced. */
  due(seq: number, registered: boolean): string | null {
    const o = this.open;
    if (!o || o.seq !== seq) return null;
    return this.announce(o, this.reasonOf(o), registered);
  }

  /**
   * Connected (again). Returns what to say once the worker node is written (null: nothing to say —
   * no outage was announced and the session did not expire).
   */
  connected(now: number, registered: boolean): string | null {
    const o = this.open;
    this.open = null;
    if (!o || (!o.announced && !o.expired)) return null;
    const again = o.kind === 'start' ? '' : ' again';
    const worker = registered ? `; worker ${this.c.id} is registered${o.expired ? ' on a new session (the old one expired)' : ''}` : o.expired ? '; on a new session (the old one expired)' : '';
    return `reached ZooKeeper at ${this.c.connectString}${again} after ${seconds(now - o.since)}${worker}`;
  }

  /** Leaving while an outage is on and was not announced yet: the last word, without "retrying". */
  closing(registered: boolean): string | null {
    const o = this.open;
    if (!o || o.announced) return null;
    o.announced = true;
    const reason = o.tcp ?? this.reasonOf(o, true);
    const worker = !registered ? '' : o.kind === 'start' ? `; worker ${this.c.id} was not registered` : `; worker ${this.c.id}'s nodes go when its session expires`;
    return `cannot reach ZooKeeper at ${this.c.connectString} (${reason})${worker}`;
  }

  private reasonOf(o: Open, early = false): string {
    if (o.warning !== null && /authentication failed/i.test(o.warning)) return 'authentication failed';
    if (o.tcp === null) return `the port accepts connections but ZooKeeper did not answer${early ? '' : ` within ${this.c.graceMs} ms`}`;
    return early ? 'not connected yet' : `no answer within ${this.c.graceMs} ms`;
  }

  private announce(o: Open, reason: string, registered: boolean): string | null {
    if (o.announced) return null;
    o.announced = true;
    let worker = '';
    if (registered) {
      worker = o.kind === 'start' || o.expired
        ? `; worker ${this.c.id} is not registered`
        : `; worker ${this.c.id} stays registered unless its session expires (${this.c.sessionTimeoutMs} ms without a connection)`;
    }
    return `cannot reach ZooKeeper at ${this.c.connectString} (${reason})${worker}; retrying`;
  }
}
