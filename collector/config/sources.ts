/**
 * Where config values come from, and how each key is named to the user in error messages:
 * `--session-timeout` (flag), `config: sessionTimeout` (YAML file), `ZKPULSE_SESSION_TIMEOUT` (environment).
 */
import { ConfigError } from './errors.ts';
import type { CollectConfigKey } from './schema.ts';

export type Source = 'file' | 'env' | 'flag' | 'default' | 'recording';

/** The flags object of `zkpulse collect` as commander hands it over (camelCase, repeatables as arrays). */
export interface CollectFlags {
  config?: string;
  zk?: string;
  zkAuth?: string;
  sessionTimeout?: string | number;
  /** repeated `--cluster name=root` or `--cluster name=root@layout` */
  cluster?: string[];
  influx?: string;
  http?: string;
  /** comma-separated host names the API answers besides loopback ones */
  allowedHosts?: string;
  /** repeated `--webhook url` */
  webhook?: string[];
  webhookSecret?: string;
  /** repeated `--alertmanager url` */
  alertmanager?: string[];
  apiToken?: string;
  record?: string;
  instance?: string;
  probeIntervalMs?: string | number;
  probeTimeoutMs?: string | number;
  maxDataBytes?: string | number;
  /** --ha: take part in the election of the active collector */
  ha?: boolean;
  haPath?: string;
  /** --ha-mode single|shard */
  haMode?: string;
  /** --shard-replicas 0..3 */
  shardReplicas?: string | number;
  /** --log-format pretty|json */
  logFormat?: string;
}

const NUMERIC_KEYS = new Set<CollectConfigKey>(['sessionTimeout', 'probeIntervalMs', 'probeTimeoutMs', 'maxDataBytes', 'shardReplicas']);

/** Keys that may come from the environment (ZKPULSE_<UPPER_SNAKE>): handy for secrets kept off the command line. */
export const ENV_KEYS: readonly CollectConfigKey[] = [
  'zk',
  'zkAuth',
  'sessionTimeout',
  'influx',
  'http',
  'allowedHosts',
  'webhookSecret',
  'apiToken',
  'record',
  'instance',
  'probeIntervalMs',
  'probeTimeoutMs',
  'maxDataBytes',
  'logFormat',
];

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function flagName(key: CollectConfigKey): string {
  if (key === 'clusters') return '--cluster';
  return `--${kebab(key)}`;
}

export function envName(key: CollectConfigKey): string {
  return `ZKPULSE_${kebab(key).replace(/-/g, '_').toUpperCase()}`;
}

/** The user-facing name of a value: `--cluster crawler`, `config: clusters.crawler`, `ZKPULSE_HTTP`. */
export function describeKey(path: readonly PropertyKey[], source: Source): string {
  const key = String(path[0]) as CollectConfigKey;
  if (source === 'flag') {
    if (key !== 'clusters' || path.length < 2) return flagName(key);
    return path.length > 2 ? `--cluster ${String(path[1])} (${path.slice(2).map(String).join('.')})` : `--cluster ${String(path[1])}`;
  }
  if (source === 'env') return envName(key);
  const dotted = path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
  return source === 'recording' ? `recording: ${dotted}` : `config: ${dotted}`;
}

/** Strict whole number from a flag or variable ("5000" yes, "5s" / "" no). */
function toNumber(text: string, label: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new ConfigError(`${label}: expected a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

/**
 * `name=root` (the zkpulse layout) or `name=root@layout` (a built-in layout, docs/contract.md §8) pairs of
 * repeated --cluster flags → the clusters map. The layout is after the last "@"; a root that holds an "@"
 * itself, or a custom layout, goes in the --config file.
 */
function clustersFromFlags(pairs: readonly string[]): Record<string, string | { root: string; layout: string }> {
  const clusters: Record<string, string | { root: string; layout: string }> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--cluster: expected name=root or name=root@layout, got ${JSON.stringify(pair)}`);
    const name = pair.slice(0, eq);
    if (Object.hasOwn(clusters, name)) throw new ConfigError(`--cluster ${name}: given twice`);
    const value = pair.slice(eq + 1);
    const at = value.lastIndexOf('@');
    clusters[name] = at === -1 ? value : { root: value.slice(0, at), layout: value.slice(at + 1) };
  }
  return clusters;
}

/** The flags object → raw config values (strings still unchecked, numbers converted). */
export function valuesFromFlags(flags: CollectFlags): Partial<Record<CollectConfigKey, unknown>> {
  const out: Partial<Record<CollectConfigKey, unknown>> = {};
  for (const [name, value] of Object.entries(flags)) {
    if (value === undefined || name === 'config') continue;
    if (name === 'cluster') {
      out.clusters = clustersFromFlags(value as string[]);
    } else {
      const key = name as CollectConfigKey;
      out[key] = NUMERIC_KEYS.has(key) && typeof value === 'string' ? toNumber(value, flagName(key)) : value;
    }
  }
  return out;
}

/** ZKPULSE_* variables → raw config values. */
export function valuesFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<Record<CollectConfigKey, unknown>> {
  const out: Partial<Record<CollectConfigKey, unknown>> = {};
  for (const key of ENV_KEYS) {
    const value = env[envName(key)];
    if (value === undefined) continue;
    out[key] = NUMERIC_KEYS.has(key) ? toNumber(value, envName(key)) : value;
  }
  return out;
}
