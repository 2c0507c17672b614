/**
 * Quorum math of one ensemble poll (docs/contract.md §10): only voting members count (observers do not vote);
 * a quorum is a strict majority of the voters. Pure.
 *
 * The edge cases, each on purpose:
 * - a server that is down and was never seen (`voting: null`) counts as a voter that is not up: the connect
 *   string lists participants as a rule, and assuming fewer voters would hide a lost quorum;
 * - up is not enough: a server that answers `ruok` but does not serve (`serving: false`, e.g. LOOKING during an
 *   election) is not counted among the voters up, and does not lead;
 * - the connect string may name fewer servers than the ensemble has: each server's `quorum_size` (mntr's count
 *   of the voting view) raises `voters`, and the leader's `synced_followers` (+ itself) raises `votersUp`, so a
 *   partial connect string neither invents a risk nor hides one;
 * - one server only, that says `standalone` or says nothing that makes it part of a quorum (no `quorum_size` > 1,
 *   not a leader/follower/observer): `standalone` — no quorum exists to be at risk;
 * - a 2-voter ensemble is `at-risk` while both serve: it survives no failure (that is the truth, not a bug).
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
  /** the servers that say they lead (up, serving, mode leader), in the order of `servers` */
  leaders: string[];
  /** ok; at-risk: one more voter lost would lose the quorum; lost: fewer than needed serve; standalone: one server, no quorum */
  state: QuorumState;
}

const serves = (s: ServerObservation): boolean => s.up && s.serving;

function isStandalone(servers: readonly ServerObservation[]): boolean {
  if (servers.length !== 1) return false;
  const only = servers[0]!;
  if (only.mode === 'standalone') return true;
  const inQuorum = only.mode !== null || (only.metrics.quorum_size ?? 0) > 1 || only.voting === false;
  return !inQuorum;
}

export function quorumOf(servers: readonly ServerObservation[]): Quorum {
  const leaders = servers.filter((s) => serves(s) && s.mode === 'leader').map((s) => s.server);
  if (isStandalone(servers)) {
    return { voters: 1, votersUp: serves(servers[0]!) ? 1 : 0, needed: 1, leaders, state: 'standalone' };
  }
  const listed = servers.filter((s) => s.voting !== false);
  let voters = listed.length;
  let votersUp = listed.filter(serves).length;
  for (const s of servers) {
    if (!serves(s)) continue;
    const size = s.metrics.quorum_size;
    if (size !== null && Number.isInteger(size) && size > voters) voters = size;
  }
  for (const s of servers) {
    const synced = s.metrics.synced_followers;
    if (!serves(s) || s.mode !== 'leader' || synced === null || !Number.isInteger(synced) || synced < 0) continue;
    // synced_followers counts forwarding followers (non-voting ones too): never more than the voters
    votersUp = Math.max(votersUp, Math.min(voters, synced + 1));
  }
  const needed = Math.floor(voters / 2) + 1;
  const state: QuorumState = votersUp < needed ? 'lost' : votersUp - 1 < needed ? 'at-risk' : 'ok';
  return { voters, votersUp, needed, leaders, state };
}
