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
 *   established (hooks.onConnectFailure), so that "connection refused" reaches a person.
 *
 * All of it is applied to one client at a time (`hardenClient`, on the clients ZkSession creates):
 * instance properties on its ConnectionManager and WatcherManager, never the library's prototypes, so a
 * program that imports zkpulse keeps node-zookeeper-client as it was for its own clients. The lean jute
 * records are lent to the library's module only while that client's socket handler parses a chunk
 * (the parser looks them up on the module), and put back before the handler returns.
 *
 * It is written against node-zookeeper-client 1.1.3's internals: `checkLibraryVersion` refuses any
 * other version rather than patch code it was not written for.
 */
import { createRequire } from 'node:module';
import type { Client } from 'node-zookeeper-client';
import { leanJuteRecords, type JuteModule } from './lean-jute.ts';
import { leanWatchersOn } from './lean-watchers.ts';
import { describeConnectError, type ConnectFailure } from './connect-failure.ts';

const require = createRequire(import.meta.url);

/** The node-zookeeper-client version whose internals this file (and lean-*.ts, direct-read.ts) was written for. */
export const HARDENED_LIBRARY_VERSION = '1.1.3';

/** The installed node-zookeeper-client's version (its package.json). */
export function installedLibraryVersion(): string {
  return (require('node-zookeeper-client/package.json') as { version: string }).version;
}

/**
 * Refuses a node-zookeeper-client other than the one the hardening was written for: it replaces
 * internals (the socket handler, the write loop, the watcher registry) whose shape is not part of the
 * library's API, and a silent mismatch would corrupt replies rather than fail. An error, not a warning:
 * a wrong version is a packaging mistake, found at the first start, never in production traffic.
 */
export function checkLibraryVersion(found = installedLibraryVersion()): void {
  if (found === HARDENED_LIBRARY_VERSION) return;
  throw new Error(
    `node-zookeeper-client ${found} is installed, but zkpulse's ZooKeeper layer (zk/harden.ts) was written for ${HARDENED_LIBRARY_VERSION}: ` +
      `install node-zookeeper-client@${HARDENED_LIBRARY_VERSION} (npm install node-zookeeper-client@${HARDENED_LIBRARY_VERSION}), ` +
      'or check zk/harden.ts, lean-jute.ts, lean-watchers.ts and direct-read.ts against the new version and update HARDENED_LIBRARY_VERSION',
  );
}

/** The code of the error for a stream that is not ZooKeeper's protocol (connect-failure.ts words it). */
export const NOT_ZOOKEEPER = 'ENOTZOOKEEPER';

/** Larger than any reply ZooKeeper sends (jute.maxbuffer is 1 MiB by default): a corrupt stream. */
const MAX_PACKET_BYTES = 64 * 1024 * 1024;

interface SocketLike {
  destroy(): void;
  write?(data: Buffer): boolean;
}

interface QueuedRequest {
  request: { header: { xid: number; type: number } | null; payload?: unknown; toBuffer(): Buffer };
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
  /** chunks read from the server so far (receivedChunks) */
  __zkpulseChunks?: number;
  __zkpulseFlushPending?: boolean;
  state: number;
  xid: number;
  packetQueue: { shift(): QueuedRequest | undefined; removeAllListeners(event: string): void; on(event: string, fn: () => void): void };
  pendingQueue: QueuedRequest[];
  watcherManager: object;
  __zkpulseOnError?: (err: unknown) => void;
}

interface PathWatchPayload {
  path?: unknown;
  watch?: unknown;
  chrootPath?: string;
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

/** A request's bytes: the three reads a sync sends by the thousand encoded directly, the rest by the library. */
function requestBytes(request: QueuedRequest['request']): Buffer {
  const { header } = request;
  const payload = request.payload as PathWatchPayload | null | undefined;
  if (header && payload && PATH_WATCH_REQUESTS.has(header.type) && typeof payload.path === 'string') {
    const root = payload.chrootPath;
    const path = root ? (payload.path === '/' ? root : root + payload.path) : payload.path;
    return encodePathWatchRequest(header.xid, header.type, path, payload.watch === true);
  }
  return request.toBuffer();
}

type LeanJute = JuteModule & { data: { Stat: unknown }; protocol: { GetDataResponse: unknown } };

let library: { jute: LeanJute; lean: ReturnType<typeof leanJuteRecords>; Event: Parameters<typeof leanWatchersOn>[1] } | null = null;

/** The library's modules and our lean records, loaded once (after the version check). */
function libraryParts(): NonNullable<typeof library> {
  if (library) return library;
  checkLibraryVersion();
  const jute = require('node-zookeeper-client/lib/jute/index.js') as LeanJute;
  library = { jute, lean: leanJuteRecords(jute), Event: require('node-zookeeper-client/lib/Event.js') as Parameters<typeof leanWatchersOn>[1] };
  return library;
}

export interface HardenHooks {
  /** an error caught in the client's socket handler (the connection was dropped instead of the process) */
  onSocketError?: (err: unknown) => void;
  /** each connection attempt that ended before a session was established */
  onConnectFailure?: (failure: ConnectFailure) => void;
}

/**
 * Harden one client, before its `connect()`: the guards and speed-ups above, on this client's own
 * ConnectionManager and WatcherManager. The library's classes and other clients are left alone.
 */
export function hardenClient(client: Client, hooks: HardenHooks = {}): void {
  const { jute, lean, Event } = libraryParts();
  const cm = (client as unknown as { connectionManager: ConnectionManagerLike }).connectionManager;
  if (Object.prototype.hasOwnProperty.call(cm, 'onSocketData')) return; // hardened already
  cm.__zkpulseOnError = hooks.onSocketError;
  cm.__zkpulseOnConnectFailure = hooks.onConnectFailure;

  const onData = cm.onSocketData;
  cm.onSocketData = function packetwise(this: ConnectionManagerLike, chunk: Buffer) {
    const socket = this.socket;
    this.__zkpulseChunks = (this.__zkpulseChunks ?? 0) + 1;
    // the library's parser looks the records up on its module: lend it the lean ones for this chunk only
    const { data, protocol } = jute;
    const stat = data.Stat;
    const getData = protocol.GetDataResponse;
    data.Stat = lean.Stat;
    protocol.GetDataResponse = lean.GetDataResponse;
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
    } finally {
      data.Stat = stat;
      protocol.GetDataResponse = getData;
    }
  };

  leanWatchersOn(cm.watcherManager, Event);
  installConnectFailureReports(cm);

  cm.onPacketQueueReadable = function batched(this: ConnectionManagerLike) {
    // the queue says "readable" for every request: write what this turn of the event loop queued in
    // one go, after its I/O callbacks (setImmediate: the replies of several socket reads answered at once)
    if (this.__zkpulseFlushPending) return;
    this.__zkpulseFlushPending = true;
    setImmediate(() => {
      this.__zkpulseFlushPending = false;
      flushPacketQueue(this);
    });
  };
  // the library's constructor bound its own method to the queue's 'readable' event: point it at ours
  cm.packetQueue.removeAllListeners('readable');
  cm.packetQueue.on('readable', () => cm.onPacketQueueReadable());
}

/** The library's STATES.CONNECTING: a socket closing in this state never got a session. */
const CONNECTING = 1;

const serverText = (server: ServerAddress): string => `${server.host}:${server.port}`;

/** Remember each attempt's server and socket error; report an attempt whose socket closed before a session. */
function installConnectFailureReports(cm: ConnectionManagerLike): void {
  const proto = cm;
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
    const buf = requestBytes(packet.request);
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

/** host:port of the server one client is connected to (or last tried), if known. */
/**
 * How many chunks this client has read from its server so far: a count that moves while a request waits
 * means the server is talking to us, only slowly (its reply is queued behind others).
 */
export function receivedChunks(client: unknown): number {
  return (client as { connectionManager?: ConnectionManagerLike }).connectionManager?.__zkpulseChunks ?? 0;
}

export function clientServer(client: unknown): string | undefined {
  const server = (client as { connectionManager?: ConnectionManagerLike }).connectionManager?.__zkpulseServer;
  return server ? serverText(server) : undefined;
}
