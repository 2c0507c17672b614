/**
 * ZooKeeperFileDescriptors: a server's open_file_descriptor_count > `ratio` (0.8) × its max_file_descriptor_count
 * (mntr, Unix only: a server that reports neither is not judged). Every connection holds one: at the limit the
 * server refuses clients.
 */
import { ensembleCondition, type EnsembleRule } from './zookeeper-rule.ts';

export const zookeeperFileDescriptors: EnsembleRule<'ZooKeeperFileDescriptors'> = ({ snapshot, config }) =>
  snapshot.servers
    .filter((s) => {
      const { open_file_descriptor_count: open, max_file_descriptor_count: max } = s.metrics;
      return s.up && open !== null && max !== null && max > 0 && open > config.ratio * max;
    })
    .map((s) =>
      ensembleCondition('ZooKeeperFileDescriptors', snapshot.ensemble, config.severity, s.server, {
        summary: `ZooKeeper server ${s.server} of ensemble ${snapshot.ensemble} is running out of file descriptors`,
        description: `More than ${Math.round(config.ratio * 100)} % of its file descriptor limit (${s.metrics.max_file_descriptor_count}) is open.`,
        ratio: String(config.ratio),
        max_file_descriptors: String(s.metrics.max_file_descriptor_count),
      }),
    );
