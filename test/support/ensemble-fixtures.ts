/**
 * Hand-made ensemble polls (collector/ensemble/types.ts) for the quorum math, the ensemble rules, the engine
 * hook and the live strip: what the poller would report, without a poller.
 */
import type { EnsembleSnapshot, ServerMetrics, ServerMode, ServerObservation } from '../../collector/ensemble/types.ts';

export const NO_METRICS: ServerMetrics = {
  avg_latency: null,
  max_latency: null,
  outstanding_requests: null,
  znode_count: null,
  watch_count: null,
  ephemerals_count: null,
  num_alive_connections: null,
  open_file_descriptor_count: null,
  max_file_descriptor_count: null,
  approximate_data_size: null,
  learners: null,
  synced_followers: null,
  pending_syncs: null,
  quorum_size: null,
};

/** A server that serves in `mode` (a voter unless an observer); `overrides` change any field, `metrics` any number. */
export function serving(server: string, mode: ServerMode, overrides: Partial<Omit<ServerObservation, 'metrics'>> = {}, metrics: Partial<ServerMetrics> = {}): ServerObservation {
  return {
    server,
    up: true,
    serving: true,
    mode,
    voting: mode !== 'observer',
    source: '4lw',
    problem: null,
    metrics: { ...NO_METRICS, avg_latency: 1, outstanding_requests: 0, open_file_descriptor_count: 50, max_file_descriptor_count: 1024, ...metrics },
    zxid: '4294967296',
    ...overrides,
  };
}

/** A server that does not answer; `seen` false: never seen (voting unknown). */
export function down(server: string, seen = true, problem = `connect ECONNREFUSED ${server}`): ServerObservation {
  return { server, up: false, serving: false, mode: null, voting: seen ? true : null, source: null, problem, metrics: NO_METRICS, zxid: null };
}

/** A server that answers ruok but does not serve (electing, or cut off from its quorum). */
export function notServing(server: string): ServerObservation {
  return { server, up: true, serving: false, mode: null, voting: true, source: '4lw', problem: 'This ZooKeeper instance is not currently serving requests', metrics: NO_METRICS, zxid: null };
}

export function poll(time: number, servers: readonly ServerObservation[], ensemble = 'default'): EnsembleSnapshot {
  return { ensemble, time, servers, connections: [] };
}

/** the three servers of a healthy 3-node ensemble, zk1 leading */
export const healthy3 = (): ServerObservation[] => [
  serving('zk1:2181', 'leader', {}, { synced_followers: 2, learners: 2, quorum_size: 3 }),
  serving('zk2:2181', 'follower', {}, { quorum_size: 3 }),
  serving('zk3:2181', 'follower', {}, { quorum_size: 3 }),
];
