/**
 * getData queued straight on node-zookeeper-client's connection, for the read a collector repeats
 * for every heartbeat of every worker. `Client.getData` validates the path with regular expressions,
 * builds two generic jute records and runs the request through its retry loop (async.whilst and a
 * results object, even with retries 0); this request carries just what the connection reads from
 * it (header type and xid, payload path, watch flag, chroot) and encodes itself directly. Replies,
 * watcher bookkeeping and errors stay the library's. Paths are ours (a configured root + names the
 * server listed), so they need no validation.
 */
import type { Client, Stat } from 'node-zookeeper-client';
import { encodePathWatchRequest } from './harden.ts';

const GET_DATA = 4;

/**
 * The request is its own header (xid, type) and payload (path, watch, chroot): the connection reads
 * `request.header.xid` and calls `request.payload.setChrootPath`, and one object per read is enough.
 */
class GetDataRequest {
  readonly header: GetDataRequest = this;
  readonly payload: GetDataRequest = this;
  xid = 0;
  readonly type = GET_DATA;
  chrootPath: string | undefined = undefined;

  constructor(
    readonly path: string,
    readonly watch: boolean,
  ) {}

  setChrootPath(root: string): void {
    this.chrootPath = root;
  }

  toBuffer(): Buffer {
    const root = this.chrootPath;
    const wire = root ? (this.path === '/' ? root : root + this.path) : this.path;
    return encodePathWatchRequest(this.xid, GET_DATA, wire, this.watch);
  }
}

interface Reply {
  payload: { data?: Buffer; stat: Stat };
}

interface ConnectionManagerLike {
  queue(request: unknown, callback: (err: unknown, response: Reply) => void): void;
  registerDataWatcher(path: string, watcher: unknown): void;
}

/** Like `client.getData(path, watcher, callback)`, with its callback's arguments. */
export function queueGetData(
  client: Client,
  path: string,
  watcher: ((event: unknown) => void) | undefined,
  callback: (err: unknown, data?: Buffer, stat?: Stat) => void,
): void {
  const cm = (client as unknown as { connectionManager: ConnectionManagerLike }).connectionManager;
  cm.queue(new GetDataRequest(path, watcher !== undefined), (err, response) => {
    if (err) return callback(err);
    if (watcher) cm.registerDataWatcher(path, watcher);
    callback(null, response.payload.data, response.payload.stat);
  });
}
