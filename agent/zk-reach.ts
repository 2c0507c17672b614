/**
 * Why ZooKeeper cannot be reached, in words: a plain TCP connect to each server of the connect string
 * (the client library retries silently and never says "connection refused"). Used only while the
 * agent has no connection, to name the reason once per outage.
 */
import { connect } from 'node:net';

export interface ServerAddress {
  host: string;
  port: number;
}

/** "h1:2181,h2:2182/chroot" → its servers (port 2181 when none is given). Pure. */
export function serversOf(connectString: string): ServerAddress[] {
  const slash = connectString.indexOf('/');
  const hosts = slash === -1 ? connectString : connectString.slice(0, slash);
  return hosts
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
      if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2] ?? 2181) };
      const colon = s.lastIndexOf(':');
      return colon === -1 ? { host: s, port: 2181 } : { host: s.slice(0, colon), port: Number(s.slice(colon + 1)) || 2181 };
    });
}

/** A socket error as a few words: "connection refused", "unknown host", ... Pure. */
export function describeSocketError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EADDRNOTAVAIL':
      return 'address not available';
    default:
      return typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  }
}

/** Per-server results joined into one reason: "connection refused", or "h1:1 connection refused, h2:2 unknown host". Pure. */
export function joinReasons(results: { server: ServerAddress; reason: string }[]): string {
  const distinct = new Set(results.map((r) => r.reason));
  if (distinct.size === 1) return results[0]!.reason;
  return results.map((r) => `${r.server.host}:${r.server.port} ${r.reason}`).join(', ');
}

/**
 * Try a TCP connection to every server at once. Resolves null as soon as one accepts (the reason, if
 * any, is above TCP), else the joined reasons once all have failed or `timeoutMs` has passed.
 */
export function tcpReason(connectString: string, timeoutMs: number): Promise<string | null> {
  const servers = serversOf(connectString);
  if (servers.length === 0) return Promise.resolve('no server in the connect string');
  return new Promise((resolve) => {
    const results: { server: ServerAddress; reason: string }[] = [];
    let settled = false;
    const sockets = servers.map((server) => {
      const socket = connect({ host: server.host, port: server.port });
      socket.unref();
      const fail = (reason: string) => {
        socket.destroy();
        if (settled) return;
        results.push({ server, reason });
        if (results.length === servers.length) done(joinReasons(servers.map((s) => results.find((r) => r.server === s)!)));
      };
      socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`));
      socket.on('error', (err) => fail(describeSocketError(err)));
      socket.once('connect', () => done(null));
      return socket;
    });
    function done(reason: string | null): void {
      if (settled) return;
      settled = true;
      for (const s of sockets) s.destroy();
      resolve(reason);
    }
  });
}
