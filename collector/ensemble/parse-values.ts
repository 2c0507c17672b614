/**
 * Shared pieces of the ensemble parsers (parse-*.ts): the §10 metrics from a key → value source (mntr's
 * lines, AdminServer's `/commands/monitor` JSON), the server mode, zxid and session id formats. Pure; bad
 * input becomes null, never an exception.
 */
import type { ServerMetrics, ServerMode } from './types.ts';

/** §10's metric fields; all whole numbers except avg_latency (ZooKeeper reports it with a fraction) */
export const METRIC_KEYS = [
  'avg_latency',
  'max_latency',
  'outstanding_requests',
  'znode_count',
  'watch_count',
  'ephemerals_count',
  'num_alive_connections',
  'open_file_descriptor_count',
  'max_file_descriptor_count',
  'approximate_data_size',
  'learners',
  'synced_followers',
  'pending_syncs',
  'quorum_size',
] as const satisfies readonly (keyof ServerMetrics)[];

const FRACTIONAL = new Set<keyof ServerMetrics>(['avg_latency']);

export function emptyMetrics(): ServerMetrics {
  return Object.fromEntries(METRIC_KEYS.map((key) => [key, null])) as unknown as ServerMetrics;
}

/** A finite number (whole unless `fractional`) from a JSON number or a decimal text; null otherwise. */
export function numberOf(value: unknown, fractional: boolean): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(value)) n = Number(value);
  else return null;
  if (!Number.isFinite(n)) return null;
  if (fractional) return n;
  return Number.isSafeInteger(n) ? n : null;
}

/** The metrics, each looked up by its §10 name (mntr: with the `zk_` prefix, added by `get`). */
export function metricsFrom(get: (key: string) => unknown): ServerMetrics {
  const metrics = emptyMetrics();
  for (const key of METRIC_KEYS) metrics[key] = numberOf(get(key), FRACTIONAL.has(key));
  return metrics;
}

const MODES = new Set<string>(['leader', 'follower', 'observer', 'standalone']);

/** `zk_server_state` / `server_state` / srvr's `Mode:` as a ServerMode; null for anything else (read-only, garbage). */
export function modeOf(value: unknown): ServerMode | null {
  return typeof value === 'string' && MODES.has(value.trim()) ? (value.trim() as ServerMode) : null;
}

/** A zxid as the signed 64-bit decimal string the rest of zkpulse uses (zk/stat.ts), from `0x…` hex or decimal. */
export function zxidOf(value: unknown): string | null {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^(0x[0-9a-fA-F]{1,16}|-?\d{1,20})$/.test(text)) return null;
  return BigInt.asIntN(64, BigInt(text)).toString();
}

/** A session id as 16 lowercase hex digits (ZnodeStat.ephemeralOwner), from `0x…` hex or a (signed) decimal. */
export function sessionOf(value: unknown): string | null {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^(0x[0-9a-fA-F]{1,16}|-?\d{1,20})$/.test(text)) return null;
  const id = BigInt.asUintN(64, BigInt(text));
  return id === 0n ? null : id.toString(16).padStart(16, '0');
}

/**
 * A client address as ZooKeeper prints it (`/127.0.0.1:47490`, `host/10.0.0.1:5000`, `127.0.0.1:47490`,
 * `/[0:0:0:0:0:0:0:1]:5000` or, older Java, `/0:0:0:0:0:0:0:1:5000`) as "ip:port", IPv6 in brackets; null when it is not one.
 */
export function addressOf(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 300) return null;
  const text = value.slice(value.lastIndexOf('/') + 1);
  const bracketed = /^\[([0-9a-fA-F:.%\w]+)\]:(\d{1,5})$/.exec(text);
  if (bracketed) return `[${bracketed[1]}]:${bracketed[2]}`;
  const last = text.lastIndexOf(':');
  if (last <= 0) return null;
  const host = text.slice(0, last);
  const port = text.slice(last + 1);
  if (!/^\d{1,5}$/.test(port)) return null;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return `${host}:${port}`;
  if (/^[0-9a-fA-F:.%\w]+$/.test(host) && host.includes(':')) return `[${host}]:${port}`;
  return null;
}

/** The IP of an "ip:port" address (brackets of IPv6 removed). */
export function ipOf(address: string): string {
  const last = address.lastIndexOf(':');
  const host = last > 0 ? address.slice(0, last) : address;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
