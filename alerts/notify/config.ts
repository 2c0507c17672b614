/** Notifier configuration: receivers, grouping/timing (Alertmanager route semantics), retry, inhibition. */
import type { Matcher } from '../silences/types.ts';

export interface RouteTiming {
  /** labels an alert is grouped by; default [alertname, cluster, ensemble] (an alert has one of the two) */
  groupBy: readonly string[];
  /** wait before the first notification of a new group; default 30 s */
  groupWaitMs: number;
  /** wait before notifying about changes in a group already notified; default 5 min */
  groupIntervalMs: number;
  /** wait before re-sending an unchanged notification; default 4 h */
  repeatIntervalMs: number;
}

export const DEFAULT_ROUTE: RouteTiming = {
  // an absent label is left out of the group key: adding `ensemble` left every cluster alert's key as it was
  groupBy: ['alertname', 'cluster', 'ensemble'],
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3600_000,
};

interface ReceiverBase {
  /** unique; the notification log is keyed by (receiver, groupKey) */
  name: string;
  url: string;
  /** send resolved notices; default true */
  sendResolved?: boolean;
  /** overrides of DEFAULT_ROUTE for this receiver */
  route?: Partial<RouteTiming>;
  /** per-attempt HTTP timeout; default 10 s */
  timeoutMs?: number;
}

/** POSTs the Alertmanager webhook v4 body to `url`, HMAC-signed when `secret` is set. */
export interface WebhookReceiver extends ReceiverBase {
  kind: 'webhook';
  secret?: string;
  /** at most this many alerts in one body (truncatedAlerts counts the rest); 0 = all */
  maxAlerts?: number;
}

/**
 * POSTs postable alerts to a real Alertmanager: `url` is its base URL (…/api/v2/alerts is appended).
 * Firing alerts go without endsAt, so Alertmanager resolves them itself after its resolve_timeout
 * (5 min by default) unless re-sent: this receiver's repeat interval defaults to 1 min for that reason.
 */
export interface AlertmanagerReceiver extends ReceiverBase {
  kind: 'alertmanager';
}

export type ReceiverConfig = WebhookReceiver | AlertmanagerReceiver;

export function routeOf(r: ReceiverConfig): RouteTiming {
  const kindDefault: Partial<RouteTiming> = r.kind === 'alertmanager' ? { repeatIntervalMs: 60_000 } : {};
  return { ...DEFAULT_ROUTE, ...kindDefault, ...r.route };
}

export interface RetryPolicy {
  /** first backoff; default 500 ms */
  initialMs: number;
  /** growth per attempt; default 2 */
  multiplier: number;
  /** cap of one backoff; default 30 s */
  maxIntervalMs: number;
  /** ± fraction of randomness; default 0.2 */
  jitter: number;
  /** give up once the first attempt is this old; default 2 min */
  maxAgeMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  initialMs: 500,
  multiplier: 2,
  maxIntervalMs: 30_000,
  jitter: 0.2,
  maxAgeMs: 2 * 60_000,
};

/** Alertmanager's inhibit_rules entry: firing sources matching sourceMatchers mute targets with equal `equal` labels. */
export interface InhibitRule {
  sourceMatchers: readonly Matcher[];
  targetMatchers: readonly Matcher[];
  equal: readonly string[];
}

const eq = (name: string, value: string): Matcher => ({ name, value, isRegex: false, isEqual: true });
const ne = (name: string, value: string): Matcher => ({ name, value, isRegex: false, isEqual: false });

/**
 * A disconnected collector makes every other alert of that cluster meaningless (the ensemble alerts have no
 * `cluster` label: they are never muted by it, they explain it). An ensemble without a leader makes its
 * quorum-at-risk and load alerts noise; its ZooKeeperServerDown alerts stay: they name the servers to bring
 * back, and grouping by (alertname, ensemble) sends them as one notification.
 */
export const DEFAULT_INHIBIT_RULES: readonly InhibitRule[] = [
  {
    sourceMatchers: [eq('alertname', 'CollectorDisconnected')],
    targetMatchers: [ne('alertname', 'CollectorDisconnected')],
    equal: ['cluster'],
  },
  ...['ZooKeeperQuorumAtRisk', 'ZooKeeperLatencyHigh', 'ZooKeeperOutstandingRequests'].map(
    (target): InhibitRule => ({ sourceMatchers: [eq('alertname', 'ZooKeeperNoLeader')], targetMatchers: [eq('alertname', target)], equal: ['ensemble'] }),
  ),
];
