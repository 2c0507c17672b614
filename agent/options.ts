/** The agent's options, checked and with defaults filled in. Pure. */
import { hostname } from 'node:os';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { AgentArgumentError } from './errors.ts';
import { checkAuth, checkMillis, checkName, checkRoot } from './validate.ts';

export interface AgentOptions {
  /** ZooKeeper connect string "host:port,..." (optionally with a /chroot) */
  connectString: string;
  /** the cluster root R */
  root: string;
  /** this worker's id: the name of R/workers/<id> */
  id: string;
  /** heartbeat period, default 1000 ms */
  heartbeatMs?: number;
  /** ZooKeeper session timeout, default 10000 ms */
  sessionTimeoutMs?: number;
  /** digest credentials "user:password": our nodes become creator-all + world-read (see agent/README.md) */
  auth?: string;
  /** free-form data for the worker node's "meta" */
  meta?: Record<string, unknown>;
  /** defaults: os.hostname(), process.pid */
  host?: string;
  pid?: number;
  /** smallest gap between two writes of one task's status, default 250 ms (≤ 4 writes/s) */
  progressIntervalMs?: number;
  /**
   * on close(), how long "leaving" stays visible before the worker node is deleted, default 250 ms:
   * a monitor's one-shot watch re-reads a node after it changed, and cannot read a version already gone
   */
  leaveGraceMs?: number;
  /** heartbeat jitter as a fraction, default 0.1 (±10 %) */
  jitter?: number;
  /** time for timers and timestamps, default asyncScheduler */
  scheduler?: SchedulerLike;
  /** randomness for the jitter, default Math.random */
  random?: () => number;
  /** receives every error that is not thrown to a caller (also on errors$) */
  onError?: (err: Error) => void;
}

export interface ResolvedAgentOptions extends Required<Omit<AgentOptions, 'auth' | 'onError'>> {
  auth: string | undefined;
  onError: ((err: Error) => void) | undefined;
  requestTimeoutMs: number;
  probeIntervalMs: number;
}

export function resolveAgentOptions(o: AgentOptions): ResolvedAgentOptions {
  if (o === null || typeof o !== 'object') throw new AgentArgumentError('options: expected an object');
  if (typeof o.connectString !== 'string' || o.connectString.trim() === '') {
    throw new AgentArgumentError('connectString: expected "host:port,..."');
  }
  const sessionTimeoutMs = checkMillis('sessionTimeoutMs', o.sessionTimeoutMs ?? 10_000, 1000, 600_000);
  const jitter = o.jitter ?? 0.1;
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter < 1)) throw new AgentArgumentError(`jitter: expected a fraction 0..<1, got ${String(jitter)}`);
  if (o.meta !== undefined && !isPlainObject(o.meta)) throw new AgentArgumentError('meta: expected a plain object');
  // the worker node's data (docs/contract.md §2): refused here rather than by its encoder at the first write
  if (o.host !== undefined && typeof o.host !== 'string') throw new AgentArgumentError(`host: expected a string, got ${typeof o.host}`);
  if (o.pid !== undefined && !(typeof o.pid === 'number' && Number.isFinite(o.pid))) {
    throw new AgentArgumentError(`pid: expected a number, got ${String(o.pid)}`);
  }
  return {
    connectString: o.connectString.trim(),
    root: checkRoot(o.root),
    id: checkName('id', o.id),
    heartbeatMs: checkMillis('heartbeatMs', o.heartbeatMs ?? 1000, 50, 3_600_000),
    sessionTimeoutMs,
    auth: o.auth === undefined ? undefined : checkAuth(o.auth),
    meta: o.meta ?? {},
    host: o.host ?? hostname(),
    pid: o.pid ?? process.pid,
    progressIntervalMs: checkMillis('progressIntervalMs', o.progressIntervalMs ?? 250, 0, 60_000),
    leaveGraceMs: checkMillis('leaveGraceMs', o.leaveGraceMs ?? 250, 0, 60_000),
    jitter,
    scheduler: o.scheduler ?? asyncScheduler,
    random: o.random ?? Math.random,
    onError: o.onError,
    // a request or probe slower than this means the connection is dead (the library has no read timeout)
    requestTimeoutMs: Math.min(4000, Math.max(500, Math.floor(sessionTimeoutMs / 3))),
    probeIntervalMs: Math.min(1000, Math.max(200, Math.floor(sessionTimeoutMs / 4))),
  };
}

/** `{...}` or Object.create(null): what JSON writes back as the same object (not an array, a Date, a Map). */
function isPlainObject(x: unknown): boolean {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}
