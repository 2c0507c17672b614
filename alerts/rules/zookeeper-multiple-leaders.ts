/**
 * ZooKeeperMultipleLeaders: two or more servers say they lead (up, serving, mode leader) in the SAME poll.
 * During an election one poll can read the old leader just before it steps down and the new one just after:
 * the rule's `for` (30 s by default, keep it above 2 × ensemblePollMs) lets the next poll clear that.
 */
import { ensembleCondition, listed, type EnsembleRule } from './zookeeper-rule.ts';

export const zookeeperMultipleLeaders: EnsembleRule<'ZooKeeperMultipleLeaders'> = ({ snapshot, quorum, config }) => {
  if (quorum.leaders.length < 2) return [];
  return [
    ensembleCondition('ZooKeeperMultipleLeaders', snapshot.ensemble, config.severity, null, {
      summary: `ZooKeeper ensemble ${snapshot.ensemble} has ${quorum.leaders.length} leaders`,
      description: `${listed(quorum.leaders)} all say they lead: a split ensemble (check the servers' configs: are they one ensemble?).`,
      leaders: listed(quorum.leaders),
    }),
  ];
};
