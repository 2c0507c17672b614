/**
 * Guards and speed-ups around node-zookeeper-client 1.1.3's socket handling.
 *
 * - Incoming: the library parses replies inside the socket's 'data' handler, copies the rest of the
 *   chunk for every packet and recurses once per packet (a burst of 10,000 replies can overflow the
 *   stack), and a parse error or a throwing callback there escapes as an uncaught exception (its
 *   issues #23, #39, #89). We split chunks into whole packets ourselves (zero-copy views) and hand
 *   the library one packet at a time; any throw drops the connection instead of the process: the
 *   library reconnects on its own, and the watch layer resyncs.
 * - Outgoing: the library writes each request to the socket separately; we write what a tick queued
 *   as one buffer at its end, so that a burst of pipelined reads leaves in a few large writes. Its generic
 *   serializer (a regular expression per field, zero-filled buffers) costs tens of µs per request; the
 *   three read requests a sync sends by the thousand (exists, getData, getChildren2: header + path +
 *   watch flag) are encoded directly.
 * - Replies: every heartbeat's getData reply is decoded by a lean Stat / GetDataResponse
 *   (lean-jute.ts) instead of the generic record's ~15 zero-filled 8-byte buffers.
 * - Watches: a Map of watcher functions per type instead of an EventEmitter per path and a `once`
 *   wrapper per re-armed watch (lean-watchers.ts).
 * - Failed connection attempts: the library swallows the socket error and silently tries the next
 *   server; we keep the server and the error and report each attempt that ended before a session was
 *   established (onClientConnectFailure), so that "connection refused" reaches a person.
 */
import { createRequire } from 'node:module';
import { installLeanJute, type JuteModule } from './lean-jute.ts';
import { installLeanWatchers } from './lean-watchers.ts';
import { describeConnectError, type ConnectFailure } from './connect-failure.ts';

const require = createRequire(import.meta.url);

/** The code of the error for a stream that is not ZooKeeper's protocol (connect-failure.ts words it). */
export const NOT_ZOOKEEPER = 'ENOTZOOKEEPER';

/** Larger than any reply ZooKeeper sends (jute.maxbuffer is 1 MiB by default): a corrupt stream. */
const MAX_PACKET_BYTES = 64 * 1024 * 1024;

interface SocketLike {
  destroy(): void;
  write?(data: Buffer): boolean;
}

interface QueuedRequest {
  request: { header: { xid: number; type: number } | null; toBuffer(): Buffer };
}

interface ServerAddress {
  host: string;
  port: number;
}

interface ConnectionManagerLike {
  onSocketData(this: ConnectionManagerLike, buffer: Buffer): void;
  findNextServer(this: ConnectionManagerLike, callback: (server: ServerAddress) => void): void;
  onSocketError(this: ConnectionManagerLike, error: unknown): void;
  onSocketConnectTimeout(this: ConnectionManagerLike): void;
  onSocketClosed(this: ConnectionManagerLike, hasError: boolean): void;
  connectTimeout: number;
  /** the server of the current (or last) connection attempt, and the error its socket reported */
  __zkpulseServer?: ServerAddress;
  __zkpulseSocketError?: unknown;
  __zkpulseOnConnectFailure?: (failure: ConnectFailure) => void;
  onPacketQueueReadable(this: ConnectionManagerLike): void;
  pendingBuffer: Buffer | null;
  socket?: SocketLike;
  __zkpulseTail?: Buffer | null;
  __zkpulseTailSocket?: SocketLike;
  __zkpulseFlushPending?: boolean;
  state: number;
  xid: number;
  packetQueue: { shift(): QueuedRequest | undefined };
  pendingQueue: QueuedRequest[];
  __zkpulseOnError?: (err: unknown) => void;
}

interface JuteRequestLike {
  header: { xid: number; type: number } | null;
  payload: { path?: unknown; watch?: unknown; chrootPath?: string } | null;
  toBuffer(this: JuteRequestLike): Buffer;
}

/** OpCodes of the read requests encoded directly: exists, getData, getChildren2. */
const PATH_WATCH_REQUESTS = new Set([3, 4, 12]);

/** Encode `len | xid | type | path | watch` like the jute serializer does for these requests. */
export function encodePathWatchRequest(xid: number, type: number, path: string, watch: boolean): Buffer {
  const pathBytes = Buffer.byteLength(path);
  const buf = Buffer.allocUnsafe(4 + 4 + 4 + 4 + pathBytes + 1);
  buf.writeInt32BE(buf.length - 4, 0);
  buf.writeInt32BE(xid, 4);
  buf.writeInt32BE(type, 8);
  buf.writeInt32BE(pathBytes, 12);
  buf.write(path, 16, 'utf8');
  buf.writeUInt8(watch ? 1 : 0, 16 + pathBytes);
  return buf;
}

let installed = false;

/** Install the guards once per process. Error hooks are per connection manager (see onClientSocketError). */
export function hardenZooKeeperClient(): void {
  if (installed) return;
  installed = true;
  const ConnectionManager = require('node-zookeeper-client/lib/ConnectionManager.js') as {
    prototype: ConnectionManagerLike;
  };
  const onData = ConnectionManager.prototype.onSocketData;
  ConnectionManager.prototype.onSocketData = function packetwise(this: ConnectionManagerLike, chunk: Buffer) {
    const socket = this.socket;
    try {
      // a tail left by an earlier socket belongs to a dead stream
      const tail = this.__zkpulseTailSocket === socket ? this.__zkpulseTail : null;
      const buf = tail && tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
      let off = 0;
      while (buf.length - off >= 4) {
        const size = buf.readInt32BE(off);
        if (size < 0 || size > MAX_PACKET_BYTES) {
          const head = buf.subarray(off, off + 4).toString('latin1');
          throw Object.assign(new Error(`corrupt ZooKeeper stream: packet size ${size}`), { code: NOT_ZOOKEEPER, head });
        }
        if (buf.length - off < size + 4) break;
        this.pendingBuffer = null;
        onData.call(this, buf.subarray(off, off + size + 4));
        off += size + 4;
        if (this.socket !== socket) return; // the handler dropped this connection
      }
      this.__zkpulseTail = off < buf.length ? buf.subarray(off) : null;
      this.__zkpulseTailSocket = socket;
    } catch (err) {
      this.__zkpulseTail = null;
      this.pendingBuffer = null;
      // during the handshake this is a failed connection attempt, reported as such when the socket closes
      const handshake = this.state === CONNECTING && this.__zkpulseOnConnectFailure !== undefined;
      if (handshake) this.__zkpulseSocketError ??= err;
      try {
        if (!handshake) this.__zkpulseOnError?.(err);
      } catch {
        // a reporting hook must not throw either
      }
      socket?.destroy();
    }
  };

  const jute = require('node-zookeeper-client/lib/jute/index.js') as JuteModule & { Request: { prototype: JuteRequestLike } };
  installLeanJute(jute);
  installLeanWatchers(require('node-zookeeper-client/lib/WatcherManager.js'), require('node-zookeeper-client/lib/Event.js'));
  const toBuffer = jute.Request.prototype.toBuffer;
  jute.Request.prototype.toBuffer = function direct(this: JuteRequestLike) {
    const { header, payload } = this;
    if (header && payload && PATH_WATCH_REQUESTS.has(header.type) && typeof payload.path === 'string') {
      const root = payload.chrootPath;
      const path = root ? (payload.path === '/' ? root : root + payload.path) : payload.path;
      return encodePathWatchRequest(header.xid, header.type, path, payload.watch === true);
    }
    return toBuffer.call(this);
  };

  installConnectFailureReports(ConnectionManager.prototype);

  ConnectionManager.prototype.onPacketQueueReadable = function batched(this: ConnectionManagerLike) {
    // the queue says "readable" for every request: write what this turn of the event loop queued in
    // one go, after its I/O callbacks (setImmediate: the replies of several socket reads answered at once)
    if (this.__zkpulseFlushPending) return;
    this.__zkpulseFlushPending = true;
    setImmediate(() => {
      this.__zkpulseFlushPending = false;
      flushPacketQueue(this);
    });
  };
}

/** The library's STATES.CONNECTING: a socket closing in this state never got a session. */
const CONNECTING = 1;

const serverText = (server: ServerAddress): string => `${server.host}:${server.port}`;

/** Remember each attempt's server and socket error; report an attempt whose socket closed before a session. */
function installConnectFailureReports(proto: ConnectionManagerLike): void {
  const { findNextServer, onSocketError, onSocketConnectTimeout, onSocketClosed } = proto;
  proto.findNextServer = function remembered(this: ConnectionManagerLike, callback) {
    findNextServer.call(this, (server) => {
      this.__zkpulseServer = server;
      this.__zkpulseSocketError = undefined;
      callback(server);
    });
  };
  proto.onSocketError = function kept(this: ConnectionManagerLike, error) {
    this.__zkpulseSocketError ??= error;
    onSocketError.call(this, error);
  };
  proto.onSocketConnectTimeout = function timedOut(this: ConnectionManagerLike) {
    this.__zkpulseSocketError ??= Object.assign(new Error(`no connection within ${this.connectTimeout} ms`), { code: 'ETIMEDOUT' });
    onSocketConnectTimeout.call(this);
  };
  proto.onSocketClosed = function reported(this: ConnectionManagerLike, hasError) {
    const hook = this.__zkpulseOnConnectFailure;
    if (hook && this.state === CONNECTING && this.__zkpulseServer) {
      try {
        hook({ server: serverText(this.__zkpulseServer), ...describeConnectError(this.__zkpulseSocketError) });
      } catch {
        // a reporting hook must not stop the library from reconnecting
      }
    }
    this.__zkpulseSocketError = undefined;
    onSocketClosed.call(this, hasError);
  };
}

/** Connection states (the library's STATES) in which queued requests may be written. */
const WRITABLE_STATES = new Set([2, 3, -1]); // CONNECTED, CONNECTED_READ_ONLY, CLOSING
const OP_PING = 11;
const OP_AUTH = 100;
const OP_CLOSE_SESSION = -11;
/** A burst is written in pieces of about this size, so that back-pressure is still noticed. */
const FLUSH_BYTES = 256 * 1024;

/**
 * The library's `onPacketQueueReadable` loop (xids, the pending queue, close-session last, stop on
 * back-pressure until 'drain'), writing one buffer per piece instead of one write per request.
 */
function flushPacketQueue(cm: ConnectionManagerLike): void {
  const socket = cm.socket;
  if (!socket?.write || !WRITABLE_STATES.has(cm.state)) return;
  let chunks: Buffer[] = [];
  let bytes = 0;
  let packet: QueuedRequest | undefined;
  while ((packet = cm.packetQueue.shift()) !== undefined) {
    const header = packet.request.header;
    if (header !== null && header.type !== OP_PING && header.type !== OP_AUTH) {
      header.xid = cm.xid;
      cm.xid += 1;
      // only requests that get a reply by xid wait in the pending queue (not connect, ping, auth)
      cm.pendingQueue.push(packet);
    }
    const buf = packet.request.toBuffer();
    chunks.push(buf);
    bytes += buf.length;
    if (header?.type === OP_CLOSE_SESSION) break; // the last packet sent to the server
    if (bytes >= FLUSH_BYTES) {
      const ok = writeChunks(socket, chunks, bytes);
      chunks = [];
      bytes = 0;
      if (!ok) return; // 'drain' calls onPacketQueueReadable again
    }
  }
  if (chunks.length > 0) writeChunks(socket, chunks, bytes);
}

function writeChunks(socket: SocketLike, chunks: Buffer[], bytes: number): boolean {
  return socket.write!(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes));
}

/** Register a callback for each of one client's connection attempts that failed before a session was established. */
export function onClientConnectFailure(client: unknown, hook: (failure: ConnectFailure) => void): void {
  const cm = (client as { connectionManager?: ConnectionManagerLike }).connectionManager;
  if (cm) cm.__zkpulseOnConnectFailure = hook;
}

/** host:port of the server one client is connected to (or last tried), if known. */
export function clientServer(client: unknown): string | undefined {
  const server = (client as { connectionManager?: ConnectionManagerLike }).connectionManager?.__zkpulseServer;
  return server ? serverText(server) : undefined;
}

/** Register a callback for errors caught in one client's socket handler. */
export function onClientSocketError(client: unknown, hook: (err: unknown) => void): void {
  const cm = (client as { connectionManager?: ConnectionManagerLike }).connectionManager;
  if (cm) cm.__zkpulseOnError = hook;
}
