/**
 * Quorum math of one ensemble poll (docs/contract.md §10): only voting members count (observers do not vote);
 * a quorum is a strict majority of the voters. Pure.
 *
 * Owner: the ensemble-alerts helper (this first version fixes the signature for the poller and the API).
 */
import type { ServerObservation } from './types.ts';

export type QuorumState = 'standalone' | 'ok' | 'at-risk' | 'lost';

export interface Quorum {
  /** voting members known (participants) */
  voters: number;
  /** of them, up and serving */
  votersUp: number;
  /** the majority needed: floor(voters / 2) + 1 */
  needed: number;
  /** the servers that say they lead */
  leaders: string[];
  /** ok; at-risk: one more voter lost would lose the quorum; lost: fewer than needed serve; standalone: one server, no quorum */
  state: QuorumState;
}

export function quorumOf(servers: readonly ServerObservation[]): Quorum {
  const leaders = servers.filter((s) => s.up && s.mode === 'leader').map((s) => s.server);
  if (servers.length === 1 && servers[0]?.mode === 'standalone') return { voters: 1, votersUp: servers[0].serving ? 1 : 0, needed: 1, leaders, state: 'standalone' };
  const voters = servers.filter((s) => s.voting !== false);
  const votersUp = voters.filter((s) => s.up && s.serving).length;
  const needed = Math.floor(voters.length / 2) + 1;
  const state: QuorumState = votersUp < needed ? 'lost' : votersUp - 1 < needed ? 'at-risk' : 'ok';
  return { voters: voters.length, votersUp, needed, leaders, state };
}
