/**
 * The replay's configuration: the collect YAML (same file as `zkpulse collect --config`), read
 * with the collector's own loader, plus what a replay must fill in itself: clusters seen in the
 * recording when the file names none, and a receiver named "replay" when no webhook is given.
 */
import { loadConfig, type CollectConfig } from '../collector/config.ts';
import { readConfigFile } from '../collector/config/file.ts';
import { parseAlertsConfig, type AlertsConfig } from '../alerts/config.ts';
import type { ReceiverConfig } from '../alerts/notify/config.ts';
import { readLines } from './lines.ts';

export interface ReplayConfig {
  collect: CollectConfig;
  alerts: AlertsConfig;
  receivers: ReceiverConfig[];
  externalURL: string;
}

/** Placeholder for a required collect key a replay never uses (it connects to nothing). */
const NO_ZK = '127.0.0.1:2181';
export const DEFAULT_RECEIVER = 'replay';

/**
 * Validates `configFile` (optional) like `zkpulse collect` would; `clustersOf` lists the recording's
 * clusters, called only when the file configures none. Throws ConfigError (one line) on a bad value.
 */
export function loadReplayConfig(configFile: string | undefined, clustersOf: () => string[]): ReplayConfig {
  const raw = configFile !== undefined ? readConfigFile(configFile) : {};
  const clusters = raw.clusters === undefined ? clustersOf() : [];
  const collect = loadConfig({
    configFile,
    flags: {
      zk: raw.zk === undefined ? NO_ZK : undefined,
      // a recording has only names; the root is shown nowhere that matters in a replay
      cluster: raw.clusters === undefined ? (clusters.length > 0 ? clusters : [DEFAULT_RECEIVER]).map((name) => `${name}=/${name}`) : undefined,
      instance: raw.instance === undefined ? 'replay' : undefined,
    },
  });
  const alerts = parseAlertsConfig(collect.alerts, Object.keys(collect.clusters));
  return {
    collect,
    alerts,
    receivers: replayReceivers(collect, alerts),
    externalURL: `http://${collect.http.host}:${collect.http.port}`,
  };
}

/**
 * The collector's receivers (one per --webhook, one per --alertmanager, same names and timing), all
 * delivered as webhook v4 bodies to the replay's recording fake; "replay" when none is configured.
 */
export function replayReceivers(config: CollectConfig, alerts: AlertsConfig): ReceiverConfig[] {
  const route = alerts.route;
  const webhooks = config.webhook.map((url, i): ReceiverConfig => ({ kind: 'webhook', name: `webhook-${i + 1}`, url, route }));
  const managers = config.alertmanager.map((url, i): ReceiverConfig => ({ kind: 'webhook', name: `alertmanager-${i + 1}`, url, route }));
  const all = [...webhooks, ...managers];
  return all.length > 0 ? all : [{ kind: 'webhook', name: DEFAULT_RECEIVER, url: 'http://replay.invalid/', route }];
}

/**
 * The cluster names of recordings, in order of first appearance, without parsing every line:
 * `"cluster":"` can only appear unescaped as the key itself (data is an escaped JSON string).
 */
export function clustersInRecordings(files: readonly string[]): string[] {
  const seen = new Set<string>();
  const KEY = '"cluster":"';
  for (const file of files) {
    for (const { text } of readLines(file)) {
      const at = text.indexOf(KEY);
      if (at === -1) continue;
      const start = at + KEY.length;
      const end = text.indexOf('"', start);
      if (end > start) seen.add(text.slice(start, end));
    }
  }
  return [...seen].filter((name) => /^[A-Za-z0-9_.-]+$/.test(name));
}
