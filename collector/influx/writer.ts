/**
 * Buffered InfluxDB 1.x writer (docs/contract.md §4).
 *
 * `write()` only encodes and enqueues. One background loop does all I/O, so at most one request is
 * in flight: it creates the database, then sends batches of up to `batchSize` lines whenever that
 * many are waiting or `flushIntervalMs` has passed. While InfluxDB is unreachable (network error,
 * timeout, 5xx, 401/403, …) the batch stays queued and is retried with exponential backoff; the queue
 * keeps the newest `maxBuffer` points. A 400 means InfluxDB will never take that data: when it says
 * "partial write"/"unable to parse" the rest of the batch was written and the batch is done; a plain
 * 400 (e.g. 1.6's "field type conflict", which rejects the whole batch) is split in halves until the
 * offending point is alone, and only that point is dropped.
 *
 * The requests go through node-influx's Pool (client.ts), with its own retries off: this loop decides.
 */
// the one file of node-influx's quoting, not its index (which loads the whole client: bench/cold-start)
import { escape } from 'influx/lib/src/grammar/escape.js';
import { InfluxClient, type InfluxTransport } from './client.ts';
import { DistinctTimes } from './distinct-times.ts';
import { parseInfluxUrl, type InfluxTarget } from './influx-url.ts';
import { LineBuffer } from './line-buffer.ts';
import { encodeParts, lineOf, type Point } from './line-protocol.ts';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The subset of pino's API the writer uses. */
export interface WriterLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface InfluxWriterOptions {
  /** http://[user:password@]host:8086/db — database from the path, default "zkpulse" */
  url: string;
  batchSize?: number;
  flushIntervalMs?: number;
  maxBuffer?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** a request taking longer than this counts as a failure (default 10 s) */
  requestTimeoutMs?: number;
  timers?: Timers;
  /** how requests reach InfluxDB (default: node-influx's Pool, client.ts); tests wrap it to watch them */
  transport?: InfluxTransport;
  logger?: WriterLogger;
}

export interface InfluxWriterStats {
  /** points InfluxDB accepted */
  written: number;
  /** failed requests (including each failed retry) and rejected batches */
  writeErrors: number;
  /** points lost: oldest beyond maxBuffer, unencodable, rejected by InfluxDB, or left at close() */
  droppedPoints: number;
  /** points waiting to be sent */
  buffered: number;
}

type Outcome = 'done' | 'retry' | 'no-database';

/** Node timers; they keep the process alive only while `keepAlive()` (during close()). */
function nodeTimers(keepAlive: () => boolean): Timers {
  return {
    setTimeout: (fn, ms) => {
      const t = setTimeout(fn, ms);
      if (!keepAlive()) t.unref();
      return t;
    },
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
}

/** how much of an InfluxDB reply is read: its errors are short; the rest of a larger body is dropped unread */
export const INFLUX_REPLY_LIMIT_BYTES = 64 * 1024;

const silent: WriterLogger = { info: () => {}, warn: () => {} };

export class InfluxWriter {
  readonly database: string;
  private readonly target: InfluxTarget;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly requestTimeoutMs: number;
  private readonly timers: Timers;
  private readonly transport: InfluxTransport;
  private readonly log: WriterLogger;
  private readonly buffer: LineBuffer;
  private readonly times = new DistinctTimes();

  private counters = { written: 0, writeErrors: 0, droppedPoints: 0 };
  private backoffMs: number;
  private databaseReady = false;
  private failing = false;
  private loop: Promise<void> | null = null;
  private readyPromise: Promise<void> | null = null;
  private resolveReady: () => void = () => {};
  private closing = false;
  /** the close() deadline has passed: stop retrying */
  private expired = false;
  private sleeping: { wakeOnWork: boolean; wake: () => void } | null = null;
  private inflight: AbortController | null = null;

  constructor(options: InfluxWriterOptions) {
    this.target = parseInfluxUrl(options.url);
    this.database = this.target.database;
    this.batchSize = positive('batchSize', options.batchSize ?? 5000);
    this.flushIntervalMs = positive('flushIntervalMs', options.flushIntervalMs ?? 1000);
    this.buffer = new LineBuffer(positive('maxBuffer', options.maxBuffer ?? 100_000));
    this.initialBackoffMs = positive('initialBackoffMs', options.initialBackoffMs ?? 200);
    this.maxBackoffMs = positive('maxBackoffMs', options.maxBackoffMs ?? 10_000);
    this.requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs ?? 10_000);
    this.backoffMs = this.initialBackoffMs;
    this.timers = options.timers ?? nodeTimers(() => this.closing);
    this.transport =
      options.transport ?? new InfluxClient(this.target, { requestTimeoutMs: this.requestTimeoutMs, replyLimitBytes: INFLUX_REPLY_LIMIT_BYTES });
    this.log = options.logger ?? silent;
  }

  /**
   * Starts the background loop. The promise resolves once the database exists (it keeps retrying
   * while InfluxDB is down) or the writer is closed; it never rejects. Points written before that
   * are kept and sent afterwards.
   */
  start(): Promise<void> {
    if (this.readyPromise === null) {
      this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));
      this.loop = this.run().finally(() => this.resolveReady());
    }
    return this.readyPromise;
  }

  /** Enqueues points; never throws, never waits. */
  write(points: Point | readonly Point[]): void {
    const list: readonly Point[] = Array.isArray(points) ? points : [points as Point];
    for (const p of list) {
      if (this.closing) {
        this.counters.droppedPoints++;
        continue;
      }
      let parts;
      try {
        parts = encodeParts(p);
      } catch {
        parts = null; // a malformed object from a caller must not throw here
      }
      if (parts === null) {
        this.counters.droppedPoints++;
        continue;
      }
      this.counters.droppedPoints += this.buffer.push(lineOf(parts, this.times.offsetFor(parts)));
    }
    if (this.buffer.size >= this.batchSize && this.sleeping?.wakeOnWork) this.sleeping.wake();
  }

  stats(): InfluxWriterStats {
    return { ...this.counters, buffered: this.buffer.size };
  }

  /**
   * Sends what is buffered, retrying until `deadlineMs` has passed, then stops. Whatever could not
   * be sent is counted in droppedPoints. Later writes are dropped.
   */
  async close(deadlineMs = 5000): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      const timer = this.timers.setTimeout(() => {
        this.expired = true;
        this.inflight?.abort(new Error('the close deadline has passed'));
        this.sleeping?.wake();
      }, deadlineMs);
      this.sleeping?.wake();
      if (this.loop === null) this.expired = true; // never started: nothing will send
      await this.loop;
      this.timers.clearTimeout(timer);
      this.counters.droppedPoints += this.buffer.clear();
      this.resolveReady();
    }
    await this.loop;
  }

  private get stopped(): boolean {
    return this.expired || (this.closing && this.buffer.size === 0);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.drain();
        if (!this.closing && this.buffer.size < this.batchSize) await this.sleep(this.flushIntervalMs, true);
      } catch (err) {
        // nothing should get here; if it does, keep the loop alive
        this.log.warn({ err }, 'influx writer loop error');
        await this.sleep(this.nextBackoff(), false);
      }
    }
  }

  /** Sends batches until the buffer is empty; backs off and retries while InfluxDB fails. */
  private async drain(): Promise<void> {
    while (this.buffer.size > 0 || (!this.databaseReady && !this.closing)) {
      if (this.expired) return;
      const outcome = this.databaseReady ? await this.sendBatch() : await this.createDatabase();
      if (outcome === 'done') {
        this.recovered();
      } else {
        if (outcome === 'no-database') this.databaseReady = false;
        await this.sleep(this.nextBackoff(), false);
      }
    }
  }

  private async createDatabase(): Promise<Outcome> {
    // node-influx's identifier quoting, as its own createDatabase uses (index.js); the request is ours to bound
    const body = new URLSearchParams({ q: `CREATE DATABASE ${escape.quoted(this.database)}` });
    const res = await this.request('/query', body.toString());
    if (res === null) return 'retry';
    if (res.status === 401 || res.status === 403) {
      // a user without admin rights cannot create databases; the database may well exist already
      this.log.warn({ status: res.status, body: res.body }, 'cannot create InfluxDB database; writing anyway');
    } else if (res.status >= 300 || /"error"/.test(res.body)) {
      this.failed(`CREATE DATABASE answered ${res.status}: ${res.body}`);
      return 'retry';
    }
    this.databaseReady = true;
    this.resolveReady();
    return 'done';
  }

  private async sendBatch(): Promise<Outcome> {
    const batch = this.buffer.peek(this.batchSize);
    const outcome = await this.deliver(batch.lines);
    if (outcome === 'done') this.buffer.ack(batch.end);
    return outcome;
  }

  /** Sends lines; on a whole-batch 400 splits them to isolate and drop only the bad point(s). */
  private async deliver(lines: string[]): Promise<Outcome> {
    const res = await this.request('/write', lines.join('\n'), { precision: 'ns' });
    if (res === null) return 'retry';
    if (res.status >= 200 && res.status < 300) {
      this.counters.written += lines.length;
      return 'done';
    }
    if (res.status === 404 && /database not found/.test(res.body)) {
      this.failed(`database ${this.database} not found, creating it again`);
      return 'no-database';
    }
    if (res.status !== 400) {
      this.failed(`write answered ${res.status}: ${res.body}`);
      return 'retry';
    }
    this.counters.writeErrors++;
    if (/partial write|unable to parse/.test(res.body)) {
      // InfluxDB wrote the points it could; the ones it names are lost for good.
      const dropped = Number(/dropped=(\d+)/.exec(res.body)?.[1] ?? 0);
      this.counters.written += Math.max(0, lines.length - dropped);
      this.counters.droppedPoints += dropped;
      this.log.warn({ body: res.body, lines: lines.length }, 'InfluxDB rejected part of a batch');
      return 'done';
    }
    if (lines.length === 1) {
      this.counters.droppedPoints++;
      this.log.warn({ body: res.body, line: lines[0] }, 'InfluxDB rejected a point; dropped it');
      return 'done';
    }
    const half = Math.ceil(lines.length / 2);
    const first = await this.deliver(lines.slice(0, half));
    return first === 'done' ? this.deliver(lines.slice(half)) : first;
  }

  /** One HTTP request; null on a network error, a 5xx, a timeout or the close deadline. */
  private async request(path: '/write' | '/query', body: string, extra: Record<string, string> = {}): Promise<{ status: number; body: string } | null> {
    const query: Record<string, string> = Object.fromEntries(this.target.params);
    query.db = this.database;
    Object.assign(query, extra);
    const abort = new AbortController();
    this.inflight = abort;
    const timer = this.timers.setTimeout(() => abort.abort(new Error(`no answer within ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
    try {
      return await this.transport.post(path, query, body, abort.signal);
    } catch (err) {
      this.failed(`${path} request failed: ${(err as Error).message ?? String(err)}`);
      return null;
    } finally {
      this.timers.clearTimeout(timer);
      this.inflight = null;
    }
  }

  private failed(reason: string): void {
    this.counters.writeErrors++;
    if (!this.failing) this.log.warn({ url: this.target.base, reason }, 'InfluxDB unavailable; buffering points');
    this.failing = true;
  }

  private recovered(): void {
    this.backoffMs = this.initialBackoffMs;
    if (this.failing) this.log.info({ url: this.target.base }, 'InfluxDB reachable again');
    this.failing = false;
  }

  private nextBackoff(): number {
    const ms = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
    return ms;
  }

  /** Waits ms; close() and the close deadline always wake it, a full batch only if wakeOnWork. */
  private sleep(ms: number, wakeOnWork: boolean): Promise<void> {
    if (this.expired) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.timers.clearTimeout(timer);
        this.sleeping = null;
        resolve();
      };
      const timer = this.timers.setTimeout(done, ms);
      this.sleeping = { wakeOnWork, wake: done };
    });
  }
}

function positive(name: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new Error(`InfluxWriter: ${name} must be a positive number, got ${v}`);
  return v;
}
