/**
 * Prometheus gauges of the ensembles (GET /metrics, docs/contract.md §10), a projection of the latest
 * snapshots: `zkpulse_zookeeper_up`, `_serving`, `_mode{mode}` (1 for the server's mode), one gauge per
 * §10 metric (`zkpulse_zookeeper_avg_latency`, ...), labels `ensemble`, `server`; and per ensemble
 * `zkpulse_zookeeper_quorum_voters`, `_voters_up`, `_needed`, `zkpulse_zookeeper_quorum_state{state}`.
 */
import { Gauge, type Registry } from 'prom-client';
import { METRIC_KEYS } from './parse-values.ts';
import { quorumOf, type QuorumState } from './quorum.ts';
import type { EnsembleSnapshot } from './types.ts';

const MODES = ['leader', 'follower', 'observer', 'standalone'] as const;
const QUORUM_STATES: readonly QuorumState[] = ['standalone', 'ok', 'at-risk', 'lost'];

const HELP: Record<(typeof METRIC_KEYS)[number], string> = {
  avg_latency: 'Average request latency, ms (mntr zk_avg_latency)',
  max_latency: 'Maximum request latency, ms',
  outstanding_requests: 'Requests queued on the server',
  znode_count: 'Znodes in the server',
  watch_count: 'Watches set on the server',
  ephemerals_count: 'Ephemeral znodes',
  num_alive_connections: 'Client connections',
  open_file_descriptor_count: 'Open file descriptors',
  max_file_descriptor_count: 'File descriptor limit',
  approximate_data_size: 'Approximate data size, bytes',
  learners: 'Learners connected to the leader (leader only)',
  synced_followers: 'Followers in sync with the leader (leader only)',
  pending_syncs: 'Pending syncs (leader only)',
  quorum_size: 'Voting members the server knows',
};

export interface EnsembleGauges {
  update(snapshots: readonly EnsembleSnapshot[]): void;
}

export function createEnsembleGauges(registry: Registry): EnsembleGauges {
  const registers = [registry];
  const perServer = (name: string, help: string, extra: string[] = []) =>
    new Gauge({ name: `zkpulse_zookeeper_${name}`, help, labelNames: ['ensemble', 'server', ...extra], registers });
  const perEnsemble = (name: string, help: string, extra: string[] = []) =>
    new Gauge({ name: `zkpulse_zookeeper_${name}`, help, labelNames: ['ensemble', ...extra], registers });
  const up = perServer('up', '1 while the ZooKeeper server answers');
  const serving = perServer('serving', '1 while the ZooKeeper server serves clients');
  const mode = perServer('mode', '1 for the server mode (leader, follower, observer, standalone)', ['mode']);
  const metrics = METRIC_KEYS.map((key) => [key, perServer(key, HELP[key])] as const);
  const voters = perEnsemble('quorum_voters', 'Voting members of the ensemble');
  const votersUp = perEnsemble('quorum_voters_up', 'Voting members up and serving');
  const needed = perEnsemble('quorum_needed', 'Voting members a quorum needs');
  const state = perEnsemble('quorum_state', '1 for the quorum state (standalone, ok, at-risk, lost)', ['state']);
  const all = [up, serving, mode, ...metrics.map(([, g]) => g), voters, votersUp, needed, state];
  return {
    update(snapshots) {
      for (const g of all) g.reset();
      for (const snapshot of snapshots) {
        const ensemble = snapshot.ensemble;
        for (const s of snapshot.servers) {
          const labels = { ensemble, server: s.server };
          up.set(labels, s.up ? 1 : 0);
          serving.set(labels, s.serving ? 1 : 0);
          for (const m of MODES) mode.set({ ...labels, mode: m }, s.mode === m ? 1 : 0);
          for (const [key, gauge] of metrics) {
            const value = s.metrics[key];
            if (value !== null) gauge.set(labels, value);
          }
        }
        const q = quorumOf(snapshot.servers);
        voters.set({ ensemble }, q.voters);
        votersUp.set({ ensemble }, q.votersUp);
        needed.set({ ensemble }, q.needed);
        for (const st of QUORUM_STATES) state.set({ ensemble, state: st }, q.state === st ? 1 : 0);
      }
    },
  };
}
