/**
 * Argument checks of the agent library. Pure; each throws AgentArgumentError with one line
 * naming the argument and what is wrong, so nothing is written when an argument is bad.
 */
import { AgentArgumentError } from './errors.ts';

// Characters ZooKeeper refuses in a path (PathUtils.validatePath), plus '/' inside a name.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\ud800-\uf8ff\ufff0-\uffff/]/;
const MAX_NAME = 200;

/** A single znode name (worker id, task name): non-empty, no '/', not '.' or '..', no control characters. */
export function checkName(what: string, value: unknown): string {
  if (typeof value !== 'string') throw new AgentArgumentError(`${what}: expected a string, got ${typeof value}`);
  if (value === '') throw new AgentArgumentError(`${what}: must not be empty`);
  if (value === '.' || value === '..') throw new AgentArgumentError(`${what}: "${value}" is not a valid znode name`);
  if (value.length > MAX_NAME) throw new AgentArgumentError(`${what}: longer than ${MAX_NAME} characters`);
  const bad = FORBIDDEN.exec(value);
  if (bad) {
    const shown = bad[0] === '/' ? "'/'" : `U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')}`;
    throw new AgentArgumentError(`${what}: must not contain ${shown}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A cluster root: "/a/b", absolute, no trailing slash, each segment a valid name. */
export function checkRoot(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value === '/') {
    throw new AgentArgumentError(`root: expected an absolute znode path like /apps/crawler, got ${JSON.stringify(value)}`);
  }
  const trimmed = value.endsWith('/') ? value.slice(0, -1) : value;
  for (const segment of trimmed.slice(1).split('/')) checkName(`root segment of ${JSON.stringify(value)}`, segment);
  return trimmed;
}

/** A whole number of milliseconds in [min, max]. */
export function checkMillis(what: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new AgentArgumentError(`${what}: expected whole milliseconds ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** "user:password" for ZooKeeper digest auth: both parts non-empty. */
export function checkAuth(value: unknown): string {
  if (typeof value !== 'string' || !/^[^:]+:.+$/.test(value)) {
    throw new AgentArgumentError('auth: expected "user:password" with a non-empty user and password');
  }
  return value;
}

/**
 * Progress counts: finite, non-negative numbers. `done > total` is allowed (some work grows while it
 * runs; the collector shows the ratio as it is), `total` 0 is allowed (nothing known yet).
 */
export function checkProgress(done: unknown, total: unknown): { done: number; total: number } {
  for (const [what, v] of [['done', done], ['total', total]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new AgentArgumentError(`progress ${what}: expected a finite number >= 0, got ${String(v)}`);
    }
  }
  return { done: done as number, total: total as number };
}

export function checkMessage(message: unknown): string | null {
  if (message === undefined || message === null) return null;
  if (typeof message !== 'string') throw new AgentArgumentError(`progress message: expected a string, got ${typeof message}`);
  return message.length > 1000 ? message.slice(0, 1000) : message;
}
