/**
 * ZooKeeperNoLeader: no server of the ensemble leads, and none serves as a follower or observer (a learner
 * serves only in sync with a leader, so one serving means a leader exists, maybe outside the connect string).
 * Never for a standalone server. The annotation `quorum` says why (quorum lost: the servers that are down).
 */
import { describeQuorum, ensembleCondition, listed, serves, type EnsembleRule } from './zookeeper-rule.ts';

export const zookeeperNoLeader: EnsembleRule<'ZooKeeperNoLeader'> = ({ snapshot, quorum, config }) => {
  if (quorum.state === 'standalone' || quorum.leaders.length > 0) return [];
  if (snapshot.servers.some((s) => serves(s) && (s.mode === 'follower' || s.mode === 'observer'))) return [];
  const down = snapshot.servers.filter((s) => !serves(s)).map((s) => s.server);
  return [
    ensembleCondition('ZooKeeperNoLeader', snapshot.ensemble, config.severity, null, {
      summary: `ZooKeeper ensemble ${snapshot.ensemble} has no leader`,
      description: `No server of ${snapshot.ensemble} leads or serves: ${describeQuorum(quorum)}. Every cluster on it is blind until a leader is elected.`,
      quorum: describeQuorum(quorum),
      servers_down: listed(down),
    }),
  ];
};
