/**
 * One simulated process's ZooKeeper session: a plain node-zookeeper-client, promisified.
 * `close()` is used both for leaving on purpose and for a "crash": either way the server ends the
 * session at once and its ephemerals vanish; what makes it a crash is that no "leaving" was written first.
 */
import zookeeper, { type Client, type Event } from 'node-zookeeper-client';
import { closeClient } from '../zk/close-client.ts';

export type Watcher = (event: Event) => void;
export type Mode = 'persistent' | 'ephemeral' | 'ephemeral-sequential';

const MODES: Record<Mode, number> = {
  persistent: zookeeper.CreateMode.PERSISTENT,
  ephemeral: zookeeper.CreateMode.EPHEMERAL,
  'ephemeral-sequential': zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
};

export const Codes = {
  noNode: zookeeper.Exception.NO_NODE,
  nodeExists: zookeeper.Exception.NODE_EXISTS,
  notEmpty: zookeeper.Exception.NOT_EMPTY,
} as const;

/** True when `err` is a ZooKeeper exception with that code. */
export function hasCode(err: unknown, code: number): boolean {
  return typeof err === 'object' && err !== null && typeof (err as { getCode?: unknown }).getCode === 'function' && (err as { getCode(): number }).getCode() === code;
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export type MultiOp =
  | { op: 'create'; path: string; data: string; mode: Mode }
  | { op: 'remove'; path: string };

export interface SimSessionOptions {
  connectString: string;
  sessionTimeout: number;
  /** Called once if the server expires the session (the process is then dead). */
  onExpired?: () => void;
  connectTimeoutMs?: number;
}

export class SimSession {
  private closed = false;

  private constructor(private readonly client: Client) {}

  static open(opts: SimSessionOptions): Promise<SimSession> {
    const client = zookeeper.createClient(opts.connectString, { sessionTimeout: opts.sessionTimeout, spinDelay: 200 });
    const session = new SimSession(client);
    client.once('expired', () => {
      if (!session.closed) opts.onExpired?.();
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        session.closed = true;
        client.close();
        reject(new Error(`no ZooKeeper session at ${opts.connectString}`));
      }, opts.connectTimeoutMs ?? 15_000);
      client.once('connected', () => {
        clearTimeout(timer);
        resolve(session);
      });
      client.connect();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private call<T>(run: (cb: (err: unknown, value?: T) => void) => void): Promise<T> {
    if (this.closed) return Promise.reject(new Error('session closed'));
    return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));
  }

  create(path: string, data: string, mode: Mode): Promise<string> {
    return this.call((cb) => this.client.create(path, Buffer.from(data), MODES[mode], (e, p) => cb(e, p)));
  }

  /** Creates a persistent node unless it is there already. */
  async ensure(path: string): Promise<void> {
    try {
      await this.call<string>((cb) => this.client.mkdirp(path, (e, p) => cb(e, p)));
    } catch (err) {
      if (!hasCode(err, Codes.nodeExists)) throw err;
    }
  }

  set(path: string, data: string): Promise<void> {
    return this.call((cb) => this.client.setData(path, Buffer.from(data), (e) => cb(e)));
  }

  /** Removes a node; a node already gone is fine. */
  async remove(path: string): Promise<void> {
    try {
      await this.call<void>((cb) => this.client.remove(path, (e) => cb(e)));
    } catch (err) {
      if (!hasCode(err, Codes.noNode)) throw err;
    }
  }

  /** Children of a node, [] when it does not exist (then the watcher, if any, is not set). */
  async children(path: string, watcher?: Watcher): Promise<string[]> {
    try {
      return await this.call<string[]>((cb) =>
        watcher ? this.client.getChildren(path, watcher, (e, kids) => cb(e, kids)) : this.client.getChildren(path, (e, kids) => cb(e, kids)),
      );
    } catch (err) {
      if (hasCode(err, Codes.noNode)) return [];
      throw err;
    }
  }

  /** Whether a node exists; with a watcher, it fires when that changes (also for a node still missing). */
  async exists(path: string, watcher?: Watcher): Promise<boolean> {
    const stat = await this.call((cb) =>
      watcher ? this.client.exists(path, watcher, (e, s) => cb(e, s)) : this.client.exists(path, (e, s) => cb(e, s)),
    );
    return Boolean(stat);
  }

  /** Data of a node as text, undefined when it does not exist. */
  async read(path: string): Promise<string | undefined> {
    try {
      const data = await this.call<Buffer | null>((cb) => this.client.getData(path, (e, d) => cb(e, d)));
      return data ? data.toString('utf8') : '';
    } catch (err) {
      if (hasCode(err, Codes.noNode)) return undefined;
      throw err;
    }
  }

  /** All-or-nothing multi-op. */
  multi(ops: MultiOp[]): Promise<void> {
    return this.call((cb) => {
      const tx = this.client.transaction();
      for (const o of ops) {
        if (o.op === 'create') tx.create(o.path, Buffer.from(o.data), MODES[o.mode]);
        else tx.remove(o.path);
      }
      tx.commit((e) => cb(e));
    });
  }

  /** Ends the session at once; resolves when the client is disconnected (or after 2 s). */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return closeClient(this.client, 2000);
  }
}
