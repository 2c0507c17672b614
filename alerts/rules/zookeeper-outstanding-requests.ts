/** ZooKeeperOutstandingRequests: a serving server has more than `threshold` (10) requests queued (mntr outstanding_requests). */
import { ensembleCondition, serves, type EnsembleRule } from './zookeeper-rule.ts';

export const zookeeperOutstandingRequests: EnsembleRule<'ZooKeeperOutstandingRequests'> = ({ snapshot, config }) =>
  snapshot.servers
    .filter((s) => serves(s) && s.metrics.outstanding_requests !== null && s.metrics.outstanding_requests > config.threshold)
    .map((s) =>
      ensembleCondition('ZooKeeperOutstandingRequests', snapshot.ensemble, config.severity, s.server, {
        summary: `ZooKeeper server ${s.server} of ensemble ${snapshot.ensemble} is falling behind`,
        description: `More than ${config.threshold} requests are queued on it (clients see latency, then timeouts).`,
        threshold: String(config.threshold),
      }),
    );
