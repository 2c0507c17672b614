/**
 * ZooKeeperServerDown: a server of the ensemble does not answer, or answers but does not serve (ruok `imok`
 * is not enough: LOOKING, or cut off from its quorum). One alert per server (label `server`).
 */
import { ensembleCondition, serves, type EnsembleRule } from './zookeeper-rule.ts';

export const zookeeperServerDown: EnsembleRule<'ZooKeeperServerDown'> = ({ snapshot, config }) =>
  snapshot.servers
    .filter((s) => !serves(s))
    .map((s) => {
      const state = s.up ? 'not serving' : 'down';
      return ensembleCondition('ZooKeeperServerDown', snapshot.ensemble, config.severity, s.server, {
        summary: `ZooKeeper server ${s.server} of ensemble ${snapshot.ensemble} is ${state}`,
        description: s.up
          ? `${s.server} answers but does not serve clients (no quorum, or electing a leader).`
          : `${s.server} does not answer the collector's poll${s.problem ? `: ${s.problem}` : ''}.`,
        server_state: state,
        ...(s.problem ? { problem: s.problem } : {}),
      });
    });
