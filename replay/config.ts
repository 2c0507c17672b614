/**
 * The replay's configuration: the collect YAML (same file as `zkpulse collect --config`), read
 * with the collector's own loader, plus what a replay must fill in itself: clusters seen in the
 * recording when the file names none, and a receiver named "replay" when no webhook is given.
 */
import { loadConfig, type CollectConfig } from '../collector/config.ts';
import { readConfigFile } from '../collector/config/file.ts';
import { parseAlertsConfig, type AlertsConfig } from '../alerts/config.ts';
import type { ReceiverConfig } from '../alerts/notify/config.ts';
import { receiversOf } from '../alerts/receivers.ts';
import { readLines } from './lines.ts';
import { layoutOf, parseRecordLine, recipesOf, recordedEnsembleOf, rootOf } from '../collector/record-schema.ts';

export interface ReplayConfig {
  collect: CollectConfig;
  alerts: AlertsConfig;
  receivers: ReceiverConfig[];
  externalURL: string;
}

/** Placeholder for a required collect key a replay never uses (it connects to nothing). */
const NO_ZK = '127.0.0.1:2181';
export const DEFAULT_RECEIVER = 'replay';

/** A cluster of a recording: its name, and its root (and layout, when not zkpulse) when the recording carries them. */
export interface RecordedCluster {
  name: string;
  root?: string;
  /** a built-in layout name or an inline custom spec, as the collector's config gave it */
  layout?: string | Record<string, unknown>;
  /** `{locks, config}`: the cluster's lock and config globs, when it had any */
  recipes?: Record<string, unknown>;
  /** the named ensemble it was on (`clusters.<name>.ensemble`), when not `default` */
  ensemble?: string;
}

/**
 * Validates `configFile` (optional) like `zkpulse collect` would; `clustersOf` lists the recording's
 * clusters (names, or names with roots and layouts), called only when the file configures none; a cluster
 * without a recorded root (recordings made before roots were recorded) gets "/<name>", one without a
 * recorded layout the zkpulse layout. A file that configures clusters gives their layouts itself (the
 * same file the collector ran with).
 * Throws ConfigError (one line) on a bad value.
 */
export function loadReplayConfig(configFile: string | undefined, clustersOf: () => readonly (string | RecordedCluster)[]): ReplayConfig {
  const raw = configFile !== undefined ? readConfigFile(configFile) : {};
  const clusters: RecordedCluster[] = raw.clusters === undefined ? clustersOf().map((c) => (typeof c === 'string' ? { name: c } : c)) : [];
  // the recording's clusters, each with the layout it was recorded with (a file's clusters replace them)
  const recorded: Record<string, unknown> = {};
  // the named ensembles of the recorded clusters: the replay connects to none, so any connect string does
  const ensembles: Record<string, string> = {};
  for (const { name, root, layout, recipes, ensemble } of clusters.length > 0 ? clusters : [{ name: DEFAULT_RECEIVER } as RecordedCluster]) {
    const at = root ?? `/${name}`;
    if (ensemble !== undefined) ensembles[ensemble] = NO_ZK;
    recorded[name] =
      layout === undefined && recipes === undefined && ensemble === undefined
        ? at
        : { root: at, ...(layout === undefined ? {} : { layout }), ...recipes, ...(ensemble === undefined ? {} : { ensemble }) };
  }
  const collect = loadConfig({
    configFile,
    recorded: raw.clusters === undefined ? { clusters: recorded, ...(Object.keys(ensembles).length > 0 && raw.ensembles === undefined ? { ensembles } : {}) } : undefined,
    flags: {
      zk: raw.zk === undefined ? NO_ZK : undefined,
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
 * The collector's receivers (receiversOf: the same names and route), all delivered as webhook v4 bodies
 * to the replay's recording fake, unsigned; "replay" when none is configured.
 */
export function replayReceivers(config: CollectConfig, alerts: AlertsConfig): ReceiverConfig[] {
  const route = alerts.route;
  const all = receiversOf(config, route).map(({ name, url }): ReceiverConfig => ({ kind: 'webhook', name, url, route }));
  return all.length > 0 ? all : [{ kind: 'webhook', name: DEFAULT_RECEIVER, url: 'http://replay.invalid/', route }];
}

/**
 * The clusters of recordings, in order of first appearance, with the first root recorded for each,
 * without parsing every line: `"cluster":"` and `"root":"` can only appear unescaped as keys (data is
 * an escaped JSON string). Only a line with a root is parsed; a bad one is skipped here (the replay
 * itself reports it with its line number).
 */
export function clustersInRecordings(files: readonly string[]): RecordedCluster[] {
  const seen = new Map<string, RecordedCluster>();
  const KEY = '"cluster":"';
  for (const file of files) {
    for (const { text } of readLines(file)) {
      const at = text.indexOf(KEY);
      if (at === -1) continue;
      const start = at + KEY.length;
      const end = text.indexOf('"', start);
      if (end <= start) continue;
      const name = text.slice(start, end);
      let cluster = seen.get(name);
      if (!cluster) seen.set(name, (cluster = { name }));
      if (cluster.root === undefined && text.includes('"root":"')) {
        const parsed = parseRecordLine(text);
        const root = parsed.ok ? rootOf(parsed.event) : undefined;
        if (root !== undefined) cluster.root = root;
        const layout = parsed.ok ? layoutOf(parsed.event) : undefined;
        if (layout !== undefined) cluster.layout = layout;
        const recipes = parsed.ok ? recipesOf(parsed.event) : undefined;
        if (recipes !== undefined) cluster.recipes = recipes;
        const ensemble = parsed.ok ? recordedEnsembleOf(parsed.event) : undefined;
        if (ensemble !== undefined) cluster.ensemble = ensemble;
      }
    }
  }
  return [...seen.values()].filter(({ name }) => /^[A-Za-z0-9_.-]+$/.test(name));
}
