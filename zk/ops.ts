/**
 * Promisified, timed ZooKeeper requests on the session's current client.
 *
 * node-zookeeper-client queues a request while disconnected and never answers it when the client
 * is replaced (ZkSession rebuilds clients on a dead connection), so every request has a deadline.
 * Watches are one-shot and live on one client: a watch set on a replaced client never fires, so
 * callers also wake on connection events (see waitForWatch in agent-session.ts).
 */
import zookeeper, { type ACL, type Stat } from 'node-zookeeper-client';
import { NODE_EXISTS, NO_NODE, RequestTimeoutError, zkErrorCode, type ZkSession } from './session.ts';
import { longToDecimal, longToHex } from './stat.ts';

export { NODE_EXISTS, NO_NODE, zkErrorCode };
export const NO_AUTH = -102;
export const BAD_VERSION = -103;
export const NOT_EMPTY = -111;

export type Watcher = (event: zookeeper.Event) => void;

export class ZkOps {
  constructor(
    private readonly session: ZkSession,
    private readonly timeoutMs: number,
  ) {}

  private timed<T>(op: string, path: string, run: (done: (err: unknown, value?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(new RequestTimeoutError(op, path, this.timeoutMs));
      }, this.timeoutMs);
      const done = (err: unknown, value?: T) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(value as T);
      };
      try {
        run(done);
      } catch (err) {
        done(err);
      }
    });
  }

  private get client() {
    return this.session.client;
  }

  /** Session id as 16 hex digits (what ephemeralOwner holds), or null when there is none. */
  get sessionId(): string | null {
    return this.session.sessionId;
  }

  create(path: string, data: Buffer, acls: ACL[], mode: number): Promise<string> {
    return this.timed('create', path, (done) => this.client.create(path, data, acls, mode, (e, p) => done(e, p)));
  }

  setData(path: string, data: Buffer, version = -1): Promise<Stat> {
    return this.timed('setData', path, (done) => this.client.setData(path, data, version, (e, s) => done(e, s)));
  }

  remove(path: string, version = -1): Promise<void> {
    return this.timed('remove', path, (done) => this.client.remove(path, version, (e) => done(e)));
  }

  /** stat or null; a watcher, when given, is set either way (existence or data). */
  exists(path: string, watcher?: Watcher): Promise<Stat | null> {
    return this.timed('exists', path, (done) => {
      const cb = (e: unknown, s: Stat) => done(e, e ? undefined : (s ?? null));
      if (watcher) this.client.exists(path, watcher, cb);
      else this.client.exists(path, cb);
    });
  }

  /** data and stat, or null when the node does not exist (then no watch is left behind). */
  getData(path: string, watcher?: Watcher): Promise<{ data: Buffer | null; stat: Stat } | null> {
    return this.timed('getData', path, (done) => {
      const cb = (e: unknown, data: Buffer, stat: Stat) =>
        zkErrorCode(e) === NO_NODE ? done(null, null) : done(e, e ? undefined : { data: data ?? null, stat });
      if (watcher) this.client.getData(path, watcher, cb);
      else this.client.getData(path, cb);
    });
  }

  /** children, or null when the node does not exist */
  getChildren(path: string): Promise<string[] | null> {
    return this.timed('getChildren', path, (done) =>
      this.client.getChildren(path, (e, children) => (zkErrorCode(e) === NO_NODE ? done(null, null) : done(e, children))),
    );
  }

  /** Create `path` and its missing ancestors as persistent containers with `acls`; existing ones are left alone. */
  async ensurePath(path: string, acls: ACL[]): Promise<void> {
    let at = '';
    for (const segment of path.slice(1).split('/')) {
      at += `/${segment}`;
      if (await this.exists(at)) continue;
      try {
        await this.create(at, Buffer.alloc(0), acls, zookeeper.CreateMode.PERSISTENT);
      } catch (err) {
        if (zkErrorCode(err) !== NODE_EXISTS) throw err;
      }
    }
  }
}

/** Does this stat belong to an ephemeral of the given session? */
export function ownedBy(stat: Stat, sessionId: string | null): boolean {
  return sessionId !== null && longToHex(stat.ephemeralOwner) === sessionId;
}

export const ownerOf = (stat: Stat): string => longToHex(stat.ephemeralOwner);
export const czxidOf = (stat: Stat): string => longToDecimal(stat.czxid);

export const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';
