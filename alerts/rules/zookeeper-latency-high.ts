/** ZooKeeperLatencyHigh: a serving server's avg_latency (ms, mntr) > `threshold` (100, ZooKeeper's own example). */
import { ensembleCondition, serves, type EnsembleRule } from './zookeeper-rule.ts';

export const zookeeperLatencyHigh: EnsembleRule<'ZooKeeperLatencyHigh'> = ({ snapshot, config }) =>
  snapshot.servers
    .filter((s) => serves(s) && s.metrics.avg_latency !== null && s.metrics.avg_latency > config.threshold)
    .map((s) =>
      ensembleCondition('ZooKeeperLatencyHigh', snapshot.ensemble, config.severity, s.server, {
        summary: `ZooKeeper server ${s.server} of ensemble ${snapshot.ensemble} answers slowly`,
        description: `Its average request latency is above ${config.threshold} ms.`,
        threshold_ms: String(config.threshold),
      }),
    );
