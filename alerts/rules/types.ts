/** What a rule is: a pure function of (cluster model, its settings, the rule memory, now) → the conditions true now. */
import type { ClusterModel } from '../../collector/model/types.ts';
import type { RuleConfigs } from '../config/defaults.ts';
import type { ClusterMemory } from './memory.ts';
import type { AlertName, Labels } from '../types.ts';

/** One condition that holds now: it becomes (or keeps) one alert instance, keyed by its labels' fingerprint. */
export interface Condition {
  /** alertname, cluster, severity, plus worker/task where one is concerned */
  labels: Labels;
  /** summary, description, plus rule-specific keys; kept stable between evaluations (no ages that tick) */
  annotations: Labels;
  /** when the condition really began, if the rule knows better than "the first evaluation that saw it" */
  activeSince?: number;
  /** the time of the fact it rests on (a last beat, when progress last moved): see StoredAlert.basis */
  basis?: number;
}

export interface RuleInput<N extends AlertName> {
  model: ClusterModel;
  config: RuleConfigs[N];
  memory: ClusterMemory;
  now: number;
  /**
   * The client address (ip:port) of a ZooKeeper session of this cluster, from its ensemble's connection
   * list, or null when not known. Optional: absent where no ensemble is polled (and in replay).
   */
  addressOf?: (session: string) => string | null;
}

/** A rule that reads the ZooKeeper state of one cluster (frozen while that cluster is blind). */
export type ZkRule<N extends AlertName> = (input: RuleInput<N>) => Condition[];

/** Build a condition's labels and annotations in the usual order. */
export function condition(
  alertname: AlertName,
  cluster: string,
  severity: string,
  subject: { worker?: string; task?: string; ensemble?: string },
  annotations: Record<string, string>,
  activeSince?: number,
): Condition {
  const labels: Record<string, string> = { alertname, cluster, severity };
  if (subject.worker !== undefined) labels.worker = subject.worker;
  if (subject.task !== undefined) labels.task = subject.task;
  // a cluster on a named ensemble (CollectorDisconnected): whose session
  if (subject.ensemble !== undefined) labels.ensemble = subject.ensemble;
  return activeSince === undefined ? { labels, annotations } : { labels, annotations, activeSince };
}

/** A duration for people: 1500 → "1.5s", 300000 → "5m". */
export function human(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))}m`;
  return `${Number((ms / 3_600_000).toFixed(1))}h`;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
