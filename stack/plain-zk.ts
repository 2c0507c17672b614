/**
 * A plain node-zookeeper-client, promisified: the "any client that follows the layout" of docs/contract.md §2,
 * deliberately not zkpulse's agent. Tests use it to play workers, masters and tasks.
 */
import zookeeper, { type Client, type Stat } from 'node-zookeeper-client';
import { closeClient } from '../zk/close-client.ts';

type CreateModeName = 'persistent' | 'ephemeral' | 'sequential';
const MODES: Record<CreateModeName, number> = {
  persistent: zookeeper.CreateMode.PERSISTENT,
  ephemeral: zookeeper.CreateMode.EPHEMERAL,
  sequential: zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
};
const bufferOf = (data: string | Buffer | null): Buffer | null => (data === null ? null : Buffer.isBuffer(data) ? data : Buffer.from(data));

/** One operation of a multi: a create, or a set/remove conditional on the node's version (-1: any). */
export type MultiOp =
  | { op: 'create'; path: string; data: string | Buffer | null; mode: CreateModeName }
  | { op: 'set'; path: string; data: string | Buffer; version: number }
  | { op: 'remove'; path: string; version: number };

export class PlainZk {
  private constructor(readonly client: Client) {}

  /** The same calls on a client someone else connected and owns (e.g. a ZkSession's current client). */
  static of(client: Client): PlainZk {
    return new PlainZk(client);
  }

  static async connect(connectString: string, sessionTimeout = 10_000, extra: Record<string, unknown> = {}): Promise<PlainZk> {
    const client = zookeeper.createClient(connectString, { sessionTimeout, spinDelay: 100, ...extra });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ZooKeeper session at ${connectString}`)), 15_000);
      client.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.connect();
    });
    return new PlainZk(client);
  }

  private call<T>(run: (cb: (err: unknown, value?: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));
  }

  mkdirp(path: string): Promise<string> {
    return this.call((cb) => this.client.mkdirp(path, (e, p) => cb(e, p)));
  }

  create(path: string, data: string | Buffer | null, mode: CreateModeName = 'persistent'): Promise<string> {
    return this.call((cb) => this.client.create(path, bufferOf(data) as Buffer, MODES[mode], (e, p) => cb(e, p)));
  }

  /** All or nothing (ZooKeeper's multi), as e.g. Kafka's controller election writes. */
  multi(ops: readonly MultiOp[]): Promise<void> {
    const tx = this.client.transaction();
    for (const o of ops) {
      if (o.op === 'create') tx.create(o.path, bufferOf(o.data) as Buffer, MODES[o.mode]);
      else if (o.op === 'set') tx.setData(o.path, bufferOf(o.data), o.version);
      else tx.remove(o.path, o.version);
    }
    return this.call((cb) => tx.commit((e) => cb(e)));
  }

  /** Calls `fn` once if the server expires this session (its ephemerals are gone then). */
  onExpired(fn: () => void): void {
    const listener = (state: { code: number }) => {
      if (state.code !== zookeeper.State.EXPIRED.code) return;
      this.client.removeListener('state', listener);
      fn();
    };
    this.client.on('state', listener);
  }

  set(path: string, data: string | Buffer): Promise<Stat> {
    return this.call((cb) => this.client.setData(path, Buffer.isBuffer(data) ? data : Buffer.from(data), (e, s) => cb(e, s)));
  }

  remove(path: string): Promise<void> {
    return this.call((cb) => this.client.remove(path, (e) => cb(e)));
  }

  exists(path: string): Promise<Stat | null> {
    return this.call((cb) => this.client.exists(path, (e, s) => cb(e, s ?? null)));
  }

  sessionId(): Buffer {
    return this.client.getSessionId();
  }

  sessionPassword(): Buffer {
    return this.client.getSessionPassword();
  }

  close(): Promise<void> {
    return closeClient(this.client, 2000);
  }
}

/** Worker data per docs/contract.md §2. */
export function workerData(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id, host: 'host-' + id, pid: 1000, startedAt: 1_700_000_000_000, heartbeatMs: 1000, state: 'ready', meta: {}, ...extra });
}

