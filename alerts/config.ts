/**
 * The `alerts:` section of the collect YAML (the collect config passes it through untouched):
 *
 *   alerts:
 *     evalInterval: 1s
 *     resolvedRetention: 15m
 *     defaults:                 # every cluster
 *       HeartbeatStale: { factor: 4 }
 *     clusters:
 *       crawler:                # one cluster, over the defaults
 *         WorkersBelowMinimum: { min: 6 }
 *         ProgressStalled: { after: 10m, severity: info }
 *     ensembles:
 *       default:                # one ZooKeeper ensemble (the ZooKeeper* rules only), over the defaults
 *         ZooKeeperLatencyHigh: { threshold: 250 }
 *
 * A bad value is a ConfigError of one line naming the key, e.g.
 * `alerts.clusters.crawler.HeartbeatStale.factor: expected a number > 1`.
 */
import type { z } from 'zod';
import { ConfigError } from '../collector/config/errors.ts';
import type { AlertName, EnsembleAlertName } from './types.ts';
import type { RetryPolicy } from './notify/config.ts';
import { DEFAULT_ALERTS_CONFIG, DEFAULT_RULES, ENSEMBLE_RULE_NAMES, isEnsembleRule, RULE_NAMES, type AlertsConfig, type RuleConfigs } from './config/defaults.ts';
import { alertsSectionSchema, type RuleOverrides } from './config/schema.ts';

export * from './config/defaults.ts';
export { parseDuration } from './config/duration.ts';

/**
 * Validate the raw `alerts` value (undefined/null = all defaults). `clusters`, when given, are the
 * configured cluster names: settings for any other cluster are an error (most likely a typo); `ensembles`
 * likewise for `alerts.ensembles`. An ensemble rule under `alerts.clusters` (or the reverse) is an error.
 */
export function parseAlertsConfig(raw: unknown, clusters?: readonly string[], ensembles?: readonly string[]): AlertsConfig {
  if (raw === undefined || raw === null) return DEFAULT_ALERTS_CONFIG;
  const result = alertsSectionSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(describeIssue(result.error.issues[0]));
  const section = result.data;
  const defaults = applyOverrides(DEFAULT_RULES, section.defaults);
  const perCluster: Record<string, RuleConfigs> = {};
  for (const [name, overrides] of Object.entries(section.clusters ?? {})) {
    if (clusters !== undefined && !clusters.includes(name)) {
      throw new ConfigError(`alerts.clusters.${name}: not a configured cluster (clusters: ${clusters.join(', ')})`);
    }
    const misplaced = Object.keys(overrides).find((rule) => isEnsembleRule(rule));
    if (misplaced !== undefined) {
      throw new ConfigError(`alerts.clusters.${name}.${misplaced}: an ensemble rule, judged per ensemble: set it under alerts.ensembles.<ensemble> or alerts.defaults`);
    }
    Object.defineProperty(perCluster, name, { value: applyOverrides(defaults, overrides), enumerable: true });
  }
  const perEnsemble: Record<string, RuleConfigs> = {};
  for (const [name, overrides] of Object.entries(section.ensembles ?? {})) {
    if (ensembles !== undefined && !ensembles.includes(name)) {
      throw new ConfigError(`alerts.ensembles.${name}: not a configured ensemble (ensembles: ${ensembles.join(', ')})`);
    }
    const misplaced = Object.keys(overrides).find((rule) => !isEnsembleRule(rule));
    if (misplaced !== undefined) {
      throw new ConfigError(`alerts.ensembles.${name}.${misplaced}: a cluster rule: set it under alerts.clusters.<cluster> or alerts.defaults (ensemble rules: ${ENSEMBLE_RULE_NAMES.join(', ')})`);
    }
    Object.defineProperty(perEnsemble, name, { value: applyOverrides(defaults, overrides), enumerable: true });
  }
  return {
    ensembles: perEnsemble,
    evalInterval: section.evalInterval ?? DEFAULT_ALERTS_CONFIG.evalInterval,
    resolvedRetention: section.resolvedRetention ?? DEFAULT_ALERTS_CONFIG.resolvedRetention,
    defaults,
    clusters: perCluster,
    route: {
      groupBy: section.route?.groupBy ?? DEFAULT_ALERTS_CONFIG.route.groupBy,
      groupWaitMs: section.route?.groupWait ?? DEFAULT_ALERTS_CONFIG.route.groupWaitMs,
      groupIntervalMs: section.route?.groupInterval ?? DEFAULT_ALERTS_CONFIG.route.groupIntervalMs,
      repeatIntervalMs: section.route?.repeatInterval ?? DEFAULT_ALERTS_CONFIG.route.repeatIntervalMs,
    },
    statePath: section.statePath ?? DEFAULT_ALERTS_CONFIG.statePath,
    ...(section.retry ? { retry: retryOverrides(section.retry) } : {}),
  };
}

/** `alerts.retry` → the notifier's RetryPolicy fields that were given. */
function retryOverrides(r: { maxAge?: number; initialBackoff?: number; maxBackoff?: number }): Partial<RetryPolicy> {
  const out: Partial<RetryPolicy> = {};
  if (r.maxAge !== undefined) out.maxAgeMs = r.maxAge;
  if (r.initialBackoff !== undefined) out.initialMs = r.initialBackoff;
  if (r.maxBackoff !== undefined) out.maxIntervalMs = r.maxBackoff;
  return out;
}

/** The settings of one ensemble rule for one ensemble (`alerts.ensembles.<name>` over `alerts.defaults`). */
export function ensembleRuleConfig<N extends EnsembleAlertName>(config: AlertsConfig, ensemble: string, name: N): RuleConfigs[N] {
  const own = config.ensembles !== undefined && Object.hasOwn(config.ensembles, ensemble) ? config.ensembles[ensemble] : undefined;
  return (own ?? config.defaults)[name];
}

/** The settings of one rule for one cluster. */
export function ruleConfig<N extends AlertName>(config: AlertsConfig, cluster: string, name: N): RuleConfigs[N] {
  const own = Object.hasOwn(config.clusters, cluster) ? config.clusters[cluster] : undefined;
  return (own ?? config.defaults)[name];
}

function applyOverrides(base: RuleConfigs, overrides: RuleOverrides | undefined): RuleConfigs {
  if (overrides === undefined) return base;
  const out = { ...base } as Record<AlertName, object>;
  for (const name of RULE_NAMES) {
    const o = overrides[name];
    if (o === undefined) continue;
    const defined = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
    out[name] = { ...base[name], ...defined };
  }
  return out as unknown as RuleConfigs;
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'alerts: invalid';
  const where = ['alerts', ...issue.path.map(String)].join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    const isRule =
      (issue.path.length === 1 && issue.path[0] === 'defaults') || (issue.path.length === 2 && (issue.path[0] === 'clusters' || issue.path[0] === 'ensembles'));
    return isRule
      ? `${where}: unknown rule "${key}" (rules: ${RULE_NAMES.join(', ')})`
      : `${where}: unknown key "${key}"`;
  }
  if (issue.code === 'invalid_type' && issue.path.length === 0) return 'alerts: expected a map (evalInterval, resolvedRetention, route, retry, statePath, defaults, clusters, ensembles)';
  if (issue.code === 'invalid_type' && (issue.expected === 'object' || issue.expected === 'record')) return `${where}: expected a map`;
  return `${where}: ${issue.message}`;
}
