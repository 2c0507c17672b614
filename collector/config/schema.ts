/**
 * The zod schema of the `zkpulse collect` config (docs/contract.md §3 plus the collector's own knobs).
 * Input: the merged raw object (YAML file < environment < flags, numbers already numbers).
 * Output: CollectConfig, with defaults filled in and `http` parsed into host and port.
 */
import { z } from 'zod';
import { parseClusterEntry, type ClusterEntry, type ClusterLayoutConfig } from './cluster-entry.ts';
import {
  CLUSTER_NAME,
  checkAllowedHost,
  checkHttpUrl,
  checkUserPassword,
  checkZkConnect,
  checkZkPath,
  parseHostPort,
  type HostPort,
} from './validators.ts';

import { DEFAULTS, DEFAULT_HTTP, HA_MODES, LOG_FORMATS } from './defaults.ts';

export { DEFAULTS, DEFAULT_HA_PATH, DEFAULT_HTTP, DEFAULT_SHARD_REPLICAS, HA_MODES, LOG_FORMATS, type HaMode, type LogFormat } from './defaults.ts';

/** A string checked by one of the validators (null = fine, else the reason). */
function checked(check: (value: string) => string | null) {
  return z.string({ error: 'expected a string' }).superRefine((value, ctx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

const nonEmpty = z.string({ error: 'expected a string' }).refine((v) => v.trim() !== '', 'must not be empty');

function integer(min: number, max: number, unit: string) {
  return z
    .number({ error: `expected a number (${unit})` })
    .int(`expected a whole number (${unit})`)
    .min(min, `must be between ${min} and ${max} ${unit}`)
    .max(max, `must be between ${min} and ${max} ${unit}`);
}

const clusterName = z.string().regex(CLUSTER_NAME, 'cluster names may only contain letters, digits, "_", "." and "-"');
/** a root path (the zkpulse layout) or {root, layout} (docs/contract.md §8; cluster-entry.ts) */
const clusterEntry = z.unknown().transform((value, ctx): ClusterEntry => {
  const parsed = parseClusterEntry(value);
  if (parsed.ok) return parsed.entry;
  ctx.addIssue({ code: 'custom', message: parsed.message, path: parsed.path });
  return z.NEVER;
});

const httpAddress = checked((text) => {
  const parsed = parseHostPort(text);
  return typeof parsed === 'string' ? parsed : null;
}).transform((text): HostPort => parseHostPort(text) as HostPort);

const url = checked(checkHttpUrl);

const collectConfigObject = z
  .object({
    zk: checked(checkZkConnect),
    zkAuth: checked(checkUserPassword).optional(),
    sessionTimeout: integer(1000, 60_000, 'ms').default(DEFAULTS.sessionTimeout),
    clusters: z
      .record(clusterName, clusterEntry, { error: 'expected a map of cluster name to root path or {root, layout}' })
      .refine((m) => Object.keys(m).length > 0, 'at least one cluster is required'),
    influx: url.optional(),
    http: httpAddress.prefault(DEFAULT_HTTP),
    /**
     * Host names the HTTP API answers besides the loopback ones (DNS rebinding, collector/http/host-check.ts);
     * a comma-separated string (flag, environment) or a list
     */
    allowedHosts: z
      .preprocess(
        (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : v),
        z.array(checked(checkAllowedHost), { error: 'expected a comma-separated list or a list of host names' }),
      )
      .optional(),
    webhook: z
      .preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(url, { error: 'expected a URL or a list of URLs' }))
      .default([]),
    webhookSecret: nonEmpty.optional(),
    /** base URLs of Alertmanagers that also receive the alerts (POST /api/v2/alerts) */
    alertmanager: z
      .preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(url, { error: 'expected a URL or a list of URLs' }))
      .default([]),
    apiToken: nonEmpty.optional(),
    record: nonEmpty.optional(),
    /** rotate the --record file when it would grow past this many bytes (default 100 MiB) */
    recordMaxBytes: integer(1024, 1_000_000_000_000, 'bytes').optional(),
    /** rotated recordings kept besides the current file (default 5) */
    recordKeep: integer(0, 1000, 'files').optional(),
    instance: nonEmpty.refine((v) => !/[\r\n]/.test(v), 'must be a single line'),
    probeIntervalMs: integer(100, 600_000, 'ms').default(DEFAULTS.probeIntervalMs),
    probeTimeoutMs: integer(100, 600_000, 'ms').default(DEFAULTS.probeTimeoutMs),
    maxDataBytes: integer(1, 1_048_576, 'bytes').default(DEFAULTS.maxDataBytes),
    /**
     * high availability: collectors with the same haPath elect one active (collector/ha, docs/ha.md).
     * Optional in the output (absent = false / DEFAULT_HA_PATH) so hand-built configs stay valid.
     */
    ha: z.boolean({ error: 'expected true or false' }).optional(),
    haPath: checked((path) => checkZkPath(path, 'the path')).optional(),
    /**
     * `single` (default): one active collector; `shard`: the group's live collectors share the clusters
     * (docs/ha.md "haMode: shard"). `shard` implies `ha`.
     */
    haMode: z.enum(HA_MODES, { error: 'expected single or shard' }).optional(),
    /** haMode shard: how many more collectors keep each cluster warm to take it over (default 1) */
    shardReplicas: integer(0, 3, 'collectors').optional(),
    /** `pretty` or `json` log lines; absent: pretty on a terminal, JSON otherwise */
    logFormat: z.enum(LOG_FORMATS, { error: 'expected pretty or json' }).optional(),
    /**
     * The ensembles whose servers are polled (docs/contract.md §10): name → connect string; `default` is
     * the one of `zk`, always polled. Optional in the output (absent: only `default`), defaults in
     * collector/ensemble/poller.ts, so hand-built configs stay valid.
     */
    ensembles: z
      .record(
        z.string().regex(CLUSTER_NAME, 'ensemble names may only contain letters, digits, "_", "." and "-"').refine((n) => n !== 'default', '"default" is the ensemble of zk, give it another name'),
        checked(checkZkConnect),
        { error: 'expected a map of ensemble name to connect string (host:port,...)' },
      )
      .optional(),
    /** how often every ensemble server is polled (default 10000) */
    ensemblePollMs: integer(1000, 3_600_000, 'ms').optional(),
    /** the AdminServer port of the ensemble servers (default 8080); false: four-letter words only */
    adminPort: z
      .union([z.number().int().min(1, 'expected a port number (1-65535) or false').max(65535, 'expected a port number (1-65535) or false'), z.literal(false)], { error: 'expected a port number (1-65535) or false' })
      .optional(),
    /** the alert rules' section, validated by the alerts module; passed through untouched */
    alerts: z.unknown().optional(),
  })
  .strict();

type ParsedConfig = z.output<typeof collectConfigObject>;

/**
 * The collect config. `clusters` maps each cluster to its root; `layouts` the layout of each cluster that
 * names one (absent when none does; a cluster missing from it has the zkpulse layout, so hand-built
 * configs stay valid).
 */
export type CollectConfig = Omit<ParsedConfig, 'clusters'> & {
  clusters: Record<string, string>;
  layouts?: Readonly<Record<string, ClusterLayoutConfig>>;
  /**
   * cluster → ensemble (`clusters.<name>.ensemble`, docs/contract.md §10) for the clusters not on `default`;
   * absent when every cluster is on `default` (a cluster missing from it is on `default`, so hand-built
   * configs stay valid). See ensembleOfCluster.
   */
  ensembleOf?: Readonly<Record<string, string>>;
};

/** the ensemble of `zk` (docs/contract.md §10) */
export const DEFAULT_ENSEMBLE = 'default';

/** The ensemble a cluster is on: `default` unless `clusters.<name>.ensemble` names another. */
export function ensembleOfCluster(config: Pick<CollectConfig, 'ensembleOf'>, cluster: string): string {
  return config.ensembleOf?.[cluster] ?? DEFAULT_ENSEMBLE;
}

export const collectConfigSchema = collectConfigObject
  .superRefine((parsed, ctx) => {
    if (parsed.haMode === 'shard' && parsed.ha === false) {
      ctx.addIssue({ code: 'custom', message: 'haMode shard is a kind of HA: leave ha out or set it to true', path: ['haMode'] });
    }
    if (parsed.shardReplicas !== undefined && parsed.haMode !== 'shard') {
      ctx.addIssue({ code: 'custom', message: 'shardReplicas only applies with haMode shard', path: ['shardReplicas'] });
    }
    const known = [DEFAULT_ENSEMBLE, ...Object.keys(parsed.ensembles ?? {})];
    for (const [name, entry] of Object.entries(parsed.clusters)) {
      if (entry.ensemble === undefined || known.includes(entry.ensemble)) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['clusters', name, 'ensemble'],
        message: `unknown ensemble ${JSON.stringify(entry.ensemble)} (known: ${known.join(', ')}; name another in "ensembles")`,
      });
    }
  })
  .transform((parsed): CollectConfig => {
    const clusters: Record<string, string> = {};
    const layouts: Record<string, ClusterLayoutConfig> = {};
    const ensembleOf: Record<string, string> = {};
    for (const [name, entry] of Object.entries(parsed.clusters)) {
      clusters[name] = entry.root;
      if (entry.layout) layouts[name] = entry.layout;
      if (entry.ensemble !== undefined && entry.ensemble !== DEFAULT_ENSEMBLE) ensembleOf[name] = entry.ensemble;
    }
    // only when a cluster names a layout or an ensemble: configs of plain clusters stay what they were
    return {
      ...parsed,
      // haMode shard implies ha
      ...(parsed.haMode === 'shard' ? { ha: true } : {}),
      clusters,
      ...(Object.keys(layouts).length > 0 ? { layouts } : {}),
      ...(Object.keys(ensembleOf).length > 0 ? { ensembleOf } : {}),
    };
  });

/** The keys of the config file (every collect flag is one of them). */
export type CollectConfigKey = keyof z.input<typeof collectConfigObject>;
export const CONFIG_KEYS = Object.keys(collectConfigObject.shape) as CollectConfigKey[];
