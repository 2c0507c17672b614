/**
 * ZooKeeper's error codes and the errors of our own ZooKeeper layer, defined once.
 *
 * node-zookeeper-client rejects with its own Exception objects (not Errors with a `code` string): a
 * numeric code read through `getCode()`. The codes are ZooKeeper's (KeeperException.Code), the same on
 * every client; a unit test checks them against the library's table.
 */
import { createRequire } from 'node:module';

export const CONNECTION_LOSS = -4;
export const OPERATION_TIMEOUT = -7;
export const NO_NODE = -101;
export const NO_AUTH = -102;
export const BAD_VERSION = -103;
export const NODE_EXISTS = -110;
export const NOT_EMPTY = -111;
export const SESSION_EXPIRED = -112;
/** not in node-zookeeper-client's table; a server may still send it after a session moved to another server */
export const SESSION_MOVED = -118;

/** The ZooKeeper error code of a library exception (NO_NODE = -101, ...), undefined for anything else. */
export function zkErrorCode(err: unknown): number | undefined {
  const e = err as { getCode?: () => number } | null | undefined;
  return typeof e?.getCode === 'function' ? e.getCode() : undefined;
}

/** True when `err` is a ZooKeeper exception with that code. */
export function hasCode(err: unknown, code: number): boolean {
  return zkErrorCode(err) === code;
}

/** A request of ours that got no answer within its deadline (the connection may be dead; the outcome is unknown). */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';

  constructor(op: string, path: string, ms: number) {
    super(`${op} ${path}: no answer within ${ms} ms`);
  }
}

const Exception = createRequire(import.meta.url)('node-zookeeper-client/lib/Exception.js') as {
  create(code: number): Error;
};

/** The library's CONNECTION_LOSS exception, for requests a replaced client will never answer. */
export function connectionLoss(): Error {
  return Exception.create(CONNECTION_LOSS);
}
