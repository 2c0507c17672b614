/**
 * ZooKeeperQuorumAtRisk: one more voting server lost would lose the quorum (quorum state at-risk), or it is
 * lost already (the annotation `quorum_state` says which). Only voters count: observers do not vote. Never for
 * a standalone server. A 2-voter ensemble is always at risk: it survives no failure.
 */
import { describeQuorum, ensembleCondition, listed, serves, type EnsembleRule } from './zookeeper-rule.ts';

export const zookeeperQuorumAtRisk: EnsembleRule<'ZooKeeperQuorumAtRisk'> = ({ snapshot, quorum, config }) => {
  if (quorum.state !== 'at-risk' && quorum.state !== 'lost') return [];
  const down = snapshot.servers.filter((s) => s.voting !== false && !serves(s)).map((s) => s.server);
  const text = describeQuorum(quorum);
  return [
    ensembleCondition('ZooKeeperQuorumAtRisk', snapshot.ensemble, config.severity, null, {
      summary: quorum.state === 'lost' ? `ZooKeeper ensemble ${snapshot.ensemble} lost its quorum` : `ZooKeeper ensemble ${snapshot.ensemble} is one server away from losing its quorum`,
      description: `${text}${down.length > 0 ? `; voting servers not serving: ${listed(down)}` : ''}.`,
      quorum_state: quorum.state,
      quorum: text,
      voters: String(quorum.voters),
      voters_up: String(quorum.votersUp),
      needed: String(quorum.needed),
    }),
  ];
};
