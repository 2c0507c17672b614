/**
 * CollectorDisconnected: the collector's own ZooKeeper session is not connected, so everything it
 * shows may be stale. Judged from the connection state, not from a model, with ONE instance per
 * cluster (label cluster=<name>) so that it can inhibit exactly that cluster's other alerts
 * (annotation `inhibits: cluster`, see alerts/README.md). Its pending time starts when the
 * disconnection started, not at the first evaluation that saw it.
 *
 * When the latest poll of the cluster's ensemble is known, the annotations say what the ensemble was
 * doing (`ensemble`, `ensemble_state`): the operator learns whether the ensemble is the reason
 * (quorum lost, no leader, servers down) or serves fine (the problem is between the collector and it).
 * Without a poll (replay, tests, the poller not started) the text is the same as ever.
 */
import type { Quorum } from '../../collector/ensemble/quorum.ts';
import type { EnsembleSnapshot } from '../../collector/ensemble/types.ts';
import type { RuleConfigs } from '../config/defaults.ts';
import { condition, iso, type Condition } from './types.ts';
import { describeQuorum, listed, serves } from './zookeeper-rule.ts';

export interface EnsembleView {
  snapshot: EnsembleSnapshot;
  quorum: Quorum;
}

export interface ConnectionInput {
  cluster: string;
  connected: boolean;
  disconnectedSince: number | null;
  config: RuleConfigs['CollectorDisconnected'];
  now: number;
  /** the latest poll of the ensemble this cluster lives on, if any */
  ensemble?: EnsembleView | null;
  /**
   * the cluster's ensemble when it is a named one (`clusters.<name>.ensemble`): the label `ensemble` says whose
   * session is lost (absent for `default`, so its alerts keep their labels and fingerprints)
   */
  named?: string;
}

export function collectorDisconnected({ cluster, connected, disconnectedSince, config, now, ensemble, named }: ConnectionInput): Condition[] {
  if (connected) return [];
  const since = disconnectedSince === null ? now : Math.min(disconnectedSince, now);
  const base = {
    summary: `zkpulse cannot see ${cluster}: its ZooKeeper session is not connected`,
    description: `The collector has been disconnected from ZooKeeper since ${iso(since)}; the other alerts of this cluster are inhibited until it is back.`,
    since: iso(since),
    inhibits: 'cluster',
  };
  const labels = named === undefined ? {} : { ensemble: named };
  if (ensemble === undefined || ensemble === null) return [condition('CollectorDisconnected', cluster, config.severity, labels, base, since)];
  const { state, problem } = ensembleState(ensemble);
  const name = ensemble.snapshot.ensemble;
  return [
    condition('CollectorDisconnected', cluster, config.severity, labels, {
      ...base,
      summary: problem
        ? `zkpulse cannot see ${cluster}: ZooKeeper ensemble ${name}: ${state}`
        : `zkpulse cannot see ${cluster}: its ZooKeeper session is not connected, though ensemble ${name} serves`,
      description: problem
        ? `The collector has been disconnected from ZooKeeper since ${iso(since)}, because of ensemble ${name}: ${state}; the other alerts of this cluster are inhibited until it is back.`
        : `The collector has been disconnected from ZooKeeper since ${iso(since)}, while ensemble ${name} serves (${state}): look between the collector and ZooKeeper (network, ACLs, session limits). The other alerts of this cluster are inhibited until it is back.`,
      ensemble: name,
      ensemble_state: state,
    }, since),
  ];
}

/**
 * The ensemble's state in a few words, the worst first: `quorum lost (0 of 3 voting servers serving, 2 needed);
 * servers down: a, b; not serving: c`, `no leader; servers down: a`, `servers down: a`, or `ok (3 of 3 ...)`.
 */
export function ensembleState({ snapshot, quorum }: EnsembleView): { state: string; problem: boolean } {
  // a server that answers but does not serve is running: naming it "down" would send the operator to restart
  // the one server still up instead of the ones that are gone (ZooKeeperServerDown's server_state says the same)
  const down = snapshot.servers.filter((s) => !s.up).map((s) => s.server);
  const idle = snapshot.servers.filter((s) => s.up && !s.serving).map((s) => s.server);
  const downText = [down.length > 0 ? `servers down: ${listed(down)}` : '', idle.length > 0 ? `not serving: ${listed(idle)}` : '']
    .filter((part) => part !== '')
    .join('; ');
  const join = (head: string) => (downText === '' ? head : `${head}; ${downText}`);
  if (quorum.state === 'lost') return { state: join(describeQuorum(quorum)), problem: true };
  const learnerServes = snapshot.servers.some((s) => serves(s) && (s.mode === 'follower' || s.mode === 'observer'));
  if (quorum.state !== 'standalone' && quorum.leaders.length === 0 && !learnerServes) return { state: join('no leader'), problem: true };
  if (quorum.state === 'standalone' && quorum.votersUp === 0) return { state: join('standalone server not serving'), problem: true };
  if (downText !== '') return { state: downText, problem: true };
  return { state: describeQuorum(quorum), problem: false };
}
