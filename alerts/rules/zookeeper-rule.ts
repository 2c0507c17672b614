/**
 * What an ensemble rule is: a pure function of (one ensemble poll, its quorum, the rule's settings, now) → the
 * conditions true now. Labels: alertname, ensemble, severity, plus server where one is concerned — never
 * `cluster`: an ensemble serves every cluster on it, and CollectorDisconnected (equal: cluster) must not
 * inhibit the alerts that explain it. docs/contract.md §10, alerts/README.md.
 */
import type { Quorum } from '../../collector/ensemble/quorum.ts';
import type { EnsembleSnapshot, ServerObservation } from '../../collector/ensemble/types.ts';
import type { RuleConfigs } from '../config/defaults.ts';
import type { EnsembleAlertName } from '../types.ts';
import type { Condition } from './types.ts';

export interface EnsembleRuleInput<N extends EnsembleAlertName> {
  snapshot: EnsembleSnapshot;
  /** quorumOf(snapshot.servers), computed once per evaluation */
  quorum: Quorum;
  config: RuleConfigs[N];
  now: number;
}

export type EnsembleRule<N extends EnsembleAlertName> = (input: EnsembleRuleInput<N>) => Condition[];

export function ensembleCondition(
  alertname: EnsembleAlertName,
  ensemble: string,
  severity: string,
  server: string | null,
  annotations: Record<string, string>,
): Condition {
  const labels: Record<string, string> = { alertname, ensemble, severity };
  if (server !== null) labels.server = server;
  return { labels, annotations };
}

export const serves = (s: ServerObservation): boolean => s.up && s.serving;

/** "quorum lost (1 of 3 voting servers serving)", "ok (3 of 3 voting servers serving)", "standalone (serving)" */
export function describeQuorum(q: Quorum): string {
  if (q.state === 'standalone') return `standalone (${q.votersUp === 1 ? 'serving' : 'not serving'})`;
  const state = q.state === 'lost' ? 'quorum lost' : q.state === 'at-risk' ? 'quorum at risk' : 'ok';
  return `${state} (${q.votersUp} of ${q.voters} voting servers serving, ${q.needed} needed)`;
}

/** a server list for an annotation, in the poll's order */
export const listed = (servers: readonly string[]): string => servers.join(', ');
