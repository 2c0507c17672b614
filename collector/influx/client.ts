/**
 * The writer's transport: node-influx's connection `Pool` (node_modules/influx/lib/src/pool.js, influx 5.12)
 * posting what the writer already encoded (/write bodies of our own lines, a /query CREATE DATABASE), with
 * what node-influx does not do for us put around it:
 *
 * - **no retries of its own**: `maxRetries: 0` (pool.js `_handleRequestError` resubmits network errors and
 *   5xx up to `maxRetries`, default 2), and a backoff whose delay is 0, so the host is never taken out of the
 *   pool (`_disableHost` only disables for `delay > 0`; a disabled single host answers "No host available"
 *   without trying). The writer's backoff is the only retry logic.
 * - **a deadline that always ends the request**: `signal` is handed to `http.request` (pool.js `stream`),
 *   but once a reply has begun node-influx waits for its `end` (a 3xx–4xx body in `RequestError.Create`, a
 *   5xx body drained) and its `doOnce` wrapper swallows the later error: so each call also settles on its
 *   own when `signal` aborts, and destroys the connection.
 * - **bounded replies**: a 2xx body is read here, at most `replyLimitBytes`, then the connection is dropped;
 *   3xx–5xx bodies node-influx reads itself, whole (`body += str`), so every connection goes through a
 *   byte-counting guard that destroys it once more than `replyLimitBytes` + `HEADER_ALLOWANCE_BYTES` raw
 *   bytes have arrived. Memory per reply stays below that plus one socket read (≤ 64 KB); an error reply
 *   cut off by the guard counts as a failed request (the writer retries it).
 * - one connection per request (`keepAlive: false`), so the guard's count is per reply; one request at a
 *   time (the writer's loop never overlaps them), so a connection belongs to the request that opened it.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { Pool, RequestError, ServiceNotAvailableError } from 'influx/lib/src/pool.js';
import type { InfluxTarget } from './influx-url.ts';

export interface InfluxReply {
  status: number;
  /** at most replyLimitBytes of the body, UTF-8 decoded (a character cut at the limit becomes U+FFFD) */
  body: string;
}

/** One POST to InfluxDB; rejects (with a message for the log) on a network error, a 5xx, a timeout or `signal`. */
export interface InfluxTransport {
  post(path: '/write' | '/query', query: Record<string, string>, body: string, signal: AbortSignal): Promise<InfluxReply>;
}

export interface InfluxClientOptions {
  /** node-influx's socket idle timeout (pool.js `requestTimeout`); the caller's signal is the overall deadline */
  requestTimeoutMs: number;
  replyLimitBytes: number;
}

/** Node's default limit on a reply's header block (`http.maxHeaderSize`, 16 KiB): what a reply may add to its body. */
export const HEADER_ALLOWANCE_BYTES = 16 * 1024;

/** node-influx's IBackoffStrategy, never disabling the host (see above). */
const NEVER_DISABLE = {
  getDelay: () => 0,
  next() {
    return NEVER_DISABLE;
  },
  reset() {
    return NEVER_DISABLE;
  },
};

interface Pending {
  settle(outcome: { reply: InfluxReply } | { error: string }): void;
  socket: Duplex | null;
}

export class InfluxClient implements InfluxTransport {
  private readonly pool: Pool;
  private readonly headers: http.OutgoingHttpHeaders;
  private readonly replyLimitBytes: number;
  private current: Pending | null = null;

  constructor(target: InfluxTarget, options: InfluxClientOptions) {
    this.replyLimitBytes = options.replyLimitBytes;
    this.headers = target.authorization ? { Authorization: target.authorization } : {};
    this.pool = new Pool({ maxRetries: 0, requestTimeout: options.requestTimeoutMs, backoff: NEVER_DISABLE });
    const url = new URL(target.base);
    const tls = url.protocol === 'https:';
    // pool.js builds requests from `url.parse(host)`: the port must be written out (an empty one becomes port 0)
    const port = url.port === '' ? (tls ? 443 : 80) : url.port;
    const agent = this.guardedAgent(tls ? new https.Agent({ keepAlive: false }) : new http.Agent({ keepAlive: false }));
    // host options are spread into every http.request (pool.js `stream`, `hostReqOptions`)
    this.pool.addHost(`${url.protocol}//${url.hostname}:${port}${url.pathname === '/' ? '' : url.pathname}`, { agent });
  }

  post(path: '/write' | '/query', query: Record<string, string>, body: string, signal: AbortSignal): Promise<InfluxReply> {
    if (this.current !== null) return Promise.reject(new Error('InfluxClient: one request at a time'));
    return new Promise<InfluxReply>((resolve, reject) => {
      let open = true;
      const pending: Pending = {
        socket: null,
        settle: (outcome) => {
          if (!open) return;
          open = false;
          signal.removeEventListener('abort', onAbort);
          if (this.current === pending) this.current = null;
          if ('reply' in outcome) resolve(outcome.reply);
          else reject(new Error(outcome.error));
        },
      };
      const onAbort = (): void => {
        pending.socket?.destroy();
        const reason: unknown = signal.reason;
        pending.settle({ error: reason instanceof Error ? reason.message : 'aborted' });
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort);
      this.current = pending;
      const headers = path === '/write' ? { ...this.headers, 'Content-Type': 'text/plain; charset=utf-8' } : this.headers;
      this.pool.stream({ method: 'POST', path, query, body, headers, signal }, (err, res) => {
        // a 3xx-4xx answer, its body read by node-influx (only its message goes on: see errorReply)
        if (err instanceof RequestError) return pending.settle({ reply: errorReply(err, this.replyLimitBytes) });
        // a 5xx (its body drained unread), node-influx's own idle timeout, or a network error
        if (err instanceof ServiceNotAvailableError) return pending.settle({ error: `InfluxDB unavailable: ${err.message}` });
        if (err) return pending.settle({ error: err.message });
        this.readReply(res, pending);
      });
    });
  }

  /** A 2xx reply (node-influx calls back with the stream only for those): its first replyLimitBytes. */
  private readReply(res: http.IncomingMessage, pending: Pending): void {
    const chunks: string[] = [];
    let bytes = 0;
    const done = (): void => pending.settle({ reply: { status: res.statusCode ?? 0, body: cut(chunks.join(''), this.replyLimitBytes) } });
    // pool.js `stream` has set the encoding to utf8: chunks are strings
    res.on('data', (chunk: string) => {
      chunks.push(chunk);
      bytes += Buffer.byteLength(chunk);
      if (bytes >= this.replyLimitBytes) {
        res.destroy(); // the rest is not read; the connection is dropped
        done();
      }
    });
    res.on('end', done);
    res.on('close', done); // cut off half-way: keep what arrived
  }

  /** Counts each connection's raw reply bytes and destroys it past the limit; ends a request left waiting. */
  private guardedAgent<A extends http.Agent>(agent: A): A {
    const create = agent.createConnection.bind(agent);
    const cap = this.replyLimitBytes + HEADER_ALLOWANCE_BYTES;
    agent.createConnection = (options, callback) => {
      const socket = create(options, callback);
      const owner = this.current; // createConnection runs inside http.request, for the request being made
      if (socket == null || owner === null) return socket;
      owner.socket = socket;
      let received = 0;
      socket.on('data', (chunk: Buffer) => {
        received += chunk.byteLength;
        if (received <= cap) return;
        // after the HTTP parser has had this chunk too: a 2xx being read (readReply) has then taken its
        // replyLimitBytes and settled with them; an error body still being read by node-influx has not
        queueMicrotask(() => {
          socket.destroy();
          owner.settle({ error: `the reply is larger than ${cap} bytes; connection dropped unread` });
        });
      });
      // after node-influx's own handlers have reported what they can (a reset, a refused connection)
      socket.on('close', () => setImmediate(() => owner.settle({ error: 'the connection closed before the reply was complete' })));
      return socket;
    };
    return agent;
  }
}

/**
 * A 3xx–4xx answer as a reply. node-influx has read its body into the message (pool.js `RequestError`:
 * `A ${statusCode} ${statusMessage} error occurred: ${body}`); the error object itself never travels
 * further, as it holds the request with its Authorization header.
 */
function errorReply(err: RequestError, limit: number): InfluxReply {
  const status = err.res.statusCode ?? 0;
  const prefix = `A ${status} ${err.res.statusMessage} error occurred: `;
  const body = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return { status, body: cut(body, limit) };
}

/** The first `limit` bytes of `s`, UTF-8. */
function cut(s: string, limit: number): string {
  if (s.length * 3 <= limit) return s;
  const bytes = Buffer.from(s);
  return bytes.byteLength <= limit ? s : new TextDecoder().decode(bytes.subarray(0, limit));
}
