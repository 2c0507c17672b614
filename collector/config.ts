/**
 * The `zkpulse collect` config: YAML file < ZKPULSE_* environment < command-line flags,
 * validated by one zod schema. Any problem becomes a ConfigError whose message is one line
 * naming the key and what is wrong; the CLI prints it and exits 2 before starting anything.
 */
import { hostname as osHostname } from 'node:os';
import type { z } from 'zod';
import { ConfigError } from './config/errors.ts';
import type { ClusterRoot } from './watch/cluster-watch.ts';
import { readConfigFile } from './config/file.ts';
import { CONFIG_KEYS, collectConfigSchema, type CollectConfig, type CollectConfigKey } from './config/schema.ts';
import { describeKey, flagName, valuesFromEnv, valuesFromFlags, type CollectFlags, type Source } from './config/sources.ts';

export { ConfigError } from './config/errors.ts';
export { collectConfigSchema, DEFAULTS, DEFAULT_HTTP, DEFAULT_ENSEMBLE, ensembleOfCluster, type CollectConfig } from './config/schema.ts';
export type { CollectFlags } from './config/sources.ts';
export { parseHostPort, type HostPort } from './config/validators.ts';
export { parseLayoutValue, type ClusterLayoutConfig } from './config/cluster-entry.ts';

/** Each configured cluster with its root, layout (the zkpulse layout where the config names none) and ensemble (where not `default`). */
export function clusterRootsOf(config: Pick<CollectConfig, 'clusters' | 'layouts' | 'ensembleOf'>): ClusterRoot[] {
  return Object.entries(config.clusters).map(([name, root]) => {
    const layout = config.layouts?.[name]?.layout;
    const ensemble = config.ensembleOf?.[name];
    return { name, root, ...(layout ? { layout } : {}), ...(ensemble === undefined ? {} : { ensemble }) };
  });
}

export interface LoadConfigOptions {
  /** the `collect` flags, as commander parsed them */
  flags?: CollectFlags;
  /** the YAML file; defaults to flags.config */
  configFile?: string;
  /** environment for ZKPULSE_* variables; none are read when absent */
  env?: Readonly<Record<string, string | undefined>>;
  /** default for `instance`; os.hostname() when absent */
  hostname?: string;
  /** values a recording carries (the replay's clusters with their layouts): below the file, named `recording: ...` in errors */
  recorded?: Record<string, unknown>;
}

type Raw = Partial<Record<CollectConfigKey, unknown>>;

export function loadConfig(options: LoadConfigOptions = {}): CollectConfig {
  const flags = options.flags ?? {};
  const configFile = options.configFile ?? flags.config;
  const raw: Record<string, unknown> = {};
  const sources = new Map<string, Source>();
  const layer = (values: Raw | Record<string, unknown>, source: Source) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      raw[key] = value;
      sources.set(key, source);
    }
  };
  if (options.recorded) layer(options.recorded, 'recording');
  if (configFile !== undefined) layer(readConfigFile(configFile), 'file');
  if (options.env) layer(valuesFromEnv(options.env), 'env');
  layer(valuesFromFlags(flags), 'flag');
  if (raw.instance === undefined) layer({ instance: options.hostname ?? osHostname() }, 'default');

  const result = collectConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  // A value the user gave that is wrong says more than a key that is still missing: report it first.
  const issues = result.error.issues;
  const given = issues.find((issue) => issue.path.length > 0 && raw[String(issue.path[0])] !== undefined);
  throw new ConfigError(describeIssue(given ?? issues[0], raw, sources));
}

const MISSING_HINT: Partial<Record<CollectConfigKey, string>> = {
  zk: 'give --zk host:port,... or "zk" in the --config file',
  clusters: 'give at least one --cluster name=root or "clusters" in the --config file',
};

function suggestKey(unknown: string): string {
  const camel = unknown.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());
  const match = CONFIG_KEYS.find((k) => k.toLowerCase() === camel.toLowerCase() || (k === 'clusters' && camel === 'cluster'));
  return match ? ` (did you mean "${match}"?)` : '';
}

function describeIssue(issue: z.core.$ZodIssue | undefined, raw: Record<string, unknown>, sources: Map<string, Source>): string {
  if (!issue) return 'config: invalid';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    return `config: unknown key "${key}"${suggestKey(key)}`;
  }
  const key = String(issue.path[0]) as CollectConfigKey;
  if (raw[key] === undefined) return `${flagName(key)}: missing; ${MISSING_HINT[key] ?? 'required'}`;
  const label = describeKey(issue.path, sources.get(key) ?? 'file');
  const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  const shown = issue.code === 'invalid_key' ? `${message}, got ${JSON.stringify(issue.path.at(-1))}` : message;
  return `${label}: ${shown}`;
}
