/**
 * One simulated process's ZooKeeper session: a plain session of the ZooKeeper layer (zk/plain-session.ts).
 * `close()` is used both for leaving on purpose and for a "crash": either way the server ends the
 * session at once and its ephemerals vanish; what makes it a crash is that no "leaving" was written first.
 */
import { aclsFor } from '../zk/acl.ts';
import { hasCode, NODE_EXISTS, NOT_EMPTY, NO_NODE } from '../zk/errors.ts';
import { CreateMode, type Watcher, type ZkOps } from '../zk/ops.ts';
import { PlainSession } from '../zk/plain-session.ts';

export type { Watcher };
export { hasCode };
export type Mode = 'persistent' | 'ephemeral' | 'ephemeral-sequential';

const MODES: Record<Mode, number> = {
  persistent: CreateMode.PERSISTENT,
  ephemeral: CreateMode.EPHEMERAL,
  'ephemeral-sequential': CreateMode.EPHEMERAL_SEQUENTIAL,
};

/** the demo's nodes are open to everyone, as the library's default (ZooKeeper's OPEN_ACL_UNSAFE) */
const OPEN = aclsFor(undefined).node;

export const Codes = {
  noNode: NO_NODE,
  nodeExists: NODE_EXISTS,
  notEmpty: NOT_EMPTY,
} as const;

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
  private constructor(private readonly session: PlainSession) {}

  static async open(opts: SimSessionOptions): Promise<SimSession> {
    const session = await PlainSession.open({
      connectString: opts.connectString,
      sessionTimeout: opts.sessionTimeout,
      connectTimeoutMs: opts.connectTimeoutMs ?? 15_000,
      onExpired: opts.onExpired,
    });
    return new SimSession(session);
  }

  get isClosed(): boolean {
    return this.session.isClosed;
  }

  private get ops(): ZkOps {
    if (this.session.isClosed) throw new Error('session closed');
    return this.session.ops;
  }

  private call<T>(run: (ops: ZkOps) => Promise<T>): Promise<T> {
    try {
      return run(this.ops);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  create(path: string, data: string, mode: Mode): Promise<string> {
    return this.call((ops) => ops.create(path, Buffer.from(data), OPEN, MODES[mode]));
  }

  /** Creates a persistent node (and its ancestors) unless it is there already. */
  async ensure(path: string): Promise<void> {
    try {
      // no data, as the library's mkdirp(path) makes them
      await this.call((ops) => ops.mkdirp(path, OPEN, CreateMode.PERSISTENT, null));
    } catch (err) {
      if (!hasCode(err, Codes.nodeExists)) throw err;
    }
  }

  async set(path: string, data: string): Promise<void> {
    await this.call((ops) => ops.setData(path, Buffer.from(data)));
  }

  /** Removes a node; a node already gone is fine. */
  async remove(path: string): Promise<void> {
    try {
      await this.call((ops) => ops.remove(path));
    } catch (err) {
      if (!hasCode(err, Codes.noNode)) throw err;
    }
  }

  /** Children of a node, [] when it does not exist (then the watcher, if any, is not set). */
  async children(path: string, watcher?: Watcher): Promise<string[]> {
    return (await this.call((ops) => ops.getChildren(path, watcher)))?.children ?? [];
  }

  /** Whether a node exists; with a watcher, it fires when that changes (also for a node still missing). */
  async exists(path: string, watcher?: Watcher): Promise<boolean> {
    return (await this.call((ops) => ops.exists(path, watcher))) !== null;
  }

  /** Data of a node as text, undefined when it does not exist. */
  async read(path: string): Promise<string | undefined> {
    const got = await this.call((ops) => ops.getData(path));
    if (!got) return undefined;
    return got.data ? got.data.toString('utf8') : '';
  }

  /** All-or-nothing multi-op. */
  multi(ops: MultiOp[]): Promise<void> {
    return this.call((zk) =>
      zk.transaction(
        ops.map((o) =>
          o.op === 'create' ? { op: 'create', path: o.path, data: Buffer.from(o.data), acls: OPEN, mode: MODES[o.mode] } : { op: 'remove', path: o.path, version: -1 },
        ),
      ),
    );
  }

  /** Ends the session at once; resolves when the client is disconnected (or after 2 s). */
  close(): Promise<void> {
    return this.session.close(2000);
  }
}
