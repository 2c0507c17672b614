/**
 * Why a connection attempt to a ZooKeeper server failed, in words a person reads: the socket error's
 * code (ECONNREFUSED, ETIMEDOUT, ENOTFOUND, ...) → "connection refused", "timed out", "host name not
 * found". Pure.
 */

/** One failed attempt to open a session with one server of the connect string. */
export interface ConnectFailure {
  /** host:port as given in the connect string */
  server: string;
  /** for people: "connection refused", "host name not found", ... */
  reason: string;
  /** the socket error's code when there was one (ECONNREFUSED, ...) */
  code?: string;
}

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed for now (DNS)',
  EAI_FAIL: 'host name lookup failed (DNS)',
  EHOSTUNREACH: 'host unreachable',
  EHOSTDOWN: 'host is down',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  EADDRNOTAVAIL: 'address not available',
  EACCES: 'connection not permitted',
  EPERM: 'connection not permitted',
};

/** The reason and code of a socket error; `undefined` = the socket closed without one. */
export function describeConnectError(err: unknown): { reason: string; code?: string } {
  if (err === undefined || err === null) return { reason: 'connection closed by the server before a session was established (not serving requests?)' };
  const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : undefined;
  if (code === 'ENOTZOOKEEPER') {
    // e.g. the port of a web server: its answer begins "HTTP"
    const head = String((err as { head?: unknown }).head ?? '').replace(/[^\x20-\x7e]/g, '?');
    return { reason: `not a ZooKeeper server: its answer begins ${JSON.stringify(head)}`, code };
  }
  if (code !== undefined) return { reason: REASONS[code] ?? code.toLowerCase(), code };
  const message = err instanceof Error ? err.message : String(err);
  return { reason: message.split('\n')[0] ?? message };
}
