/**
 * A plain node-zookeeper-client, promisified: the "any client that follows the layout" of docs/contract.md §2,
 * deliberately not zkpulse's agent. Tests use it to play workers, masters and tasks.
 */
import zookeeper, { type Client, type Stat } from 'node-zookeeper-client';
import { closeClient } from '../zk/close-client.ts';

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

  create(path: string, data: string | Buffer | null, mode: 'persistent' | 'ephemeral' | 'sequential' = 'persistent'): Promise<string> {
    const m = { persistent: zookeeper.CreateMode.PERSISTENT, ephemeral: zookeeper.CreateMode.EPHEMERAL, sequential: zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL }[mode];
    const buf = data === null ? null : Buffer.isBuffer(data) ? data : Buffer.from(data);
    return this.call((cb) => this.client.create(path, buf as Buffer, m, (e, p) => cb(e, p)));
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

