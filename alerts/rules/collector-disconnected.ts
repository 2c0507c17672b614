/**
 * CollectorDisconnected: the collector's own ZooKeeper session is not connected, so everything it
 * shows may be stale. Judged from the connection state, not from a model, with ONE instance per
 * cluster (label cluster=<name>) so that it can inhibit exactly that cluster's other alerts
 * (annotation `inhibits: cluster`, see alerts/README.md). Its pending time starts when the
 * disconnection started, not at the first evaluation that saw it.
 */
import type { RuleConfigs } from '../config/defaults.ts';
import { condition, iso, type Condition } from './types.ts';

export interface ConnectionInput {
  cluster: string;
  connected: boolean;
  disconnectedSince: number | null;
  config: RuleConfigs['CollectorDisconnected'];
  now: number;
}

export function collectorDisconnected({ cluster, connected, disconnectedSince, config, now }: ConnectionInput): Condition[] {
  if (connected) return [];
  const since = disconnectedSince === null ? now : Math.min(disconnectedSince, now);
  return [
    condition('CollectorDisconnected', cluster, config.severity, {}, {
      summary: `zkpulse cannot see ${cluster}: its ZooKeeper session is not connected`,
      description: `The collector has been disconnected from ZooKeeper since ${iso(since)}; the other alerts of this cluster are inhibited until it is back.`,
      since: iso(since),
      inhibits: 'cluster',
    }, since),
  ];
}
