/**
 * SplitBrain: two leaders at once, as the cluster's layout can show it (docs/contract.md §8; the model's
 * `splitBrainCheck`):
 * - `session` (zkpulse): the session that owns R/master is not the session of the lowest candidate under
 *   R/election (the one the election says leads). Sessions are compared, not the ids in the data: two
 *   processes may claim the same id, a session cannot lie. Only judged when both exist.
 * - `leader-is-lowest-candidate` (Solr): the leader's id (its election node name) is not the lowest candidate.
 * - `leader-not-a-candidate` (HBase): the active master is still listed as a backup master.
 */
import type { CandidateState, ClusterModel, MasterState } from '../../collector/model/types.ts';
import { condition, type Condition, type ZkRule } from './types.ts';

function lowest(candidates: Iterable<CandidateState>): CandidateState | null {
  let best: CandidateState | null = null;
  for (const c of candidates) {
    if (best === null || c.seq < best.seq || (c.seq === best.seq && c.node < best.node)) best = c;
  }
  return best;
}

type Severity = Parameters<ZkRule<'SplitBrain'>>[0]['config']['severity'];

function bySession(model: ClusterModel, master: MasterState, severity: Severity): Condition[] {
  const leader = lowest(model.candidates.values());
  if (leader === null || master.session === leader.session) return [];
  return [
    condition('SplitBrain', model.name, severity, {}, {
      summary: `The master of ${model.name} is not the elected leader`,
      description:
        `${model.root}/master is owned by session 0x${master.session} (id ${master.id ?? '?'}), but the lowest election node ` +
        `${leader.node} belongs to session 0x${leader.session} (id ${leader.id ?? '?'}).`,
      master_session: master.session,
      master_id: master.id ?? '',
      leader_session: leader.session,
      leader_node: leader.node,
      leader_id: leader.id ?? '',
    }),
  ];
}

function byLowestName(model: ClusterModel, master: MasterState, severity: Severity): Condition[] {
  const leader = lowest(model.candidates.values());
  if (leader === null || master.id === null || master.id === leader.node) return [];
  return [
    condition('SplitBrain', model.name, severity, {}, {
      summary: `The leader of ${model.name} is not the elected one`,
      description: `The leader node names ${master.id}, but the lowest election node is ${leader.node} (id ${leader.id ?? '?'}).`,
      master_session: master.session,
      master_id: master.id,
      leader_session: leader.session,
      leader_node: leader.node,
      leader_id: leader.id ?? '',
    }),
  ];
}

function byListedLeader(model: ClusterModel, master: MasterState, severity: Severity): Condition[] {
  if (master.id === null) return [];
  const listed = model.candidates.get(master.id);
  if (listed === undefined) return [];
  return [
    condition('SplitBrain', model.name, severity, {}, {
      summary: `The active master of ${model.name} is also listed as a backup`,
      description: `${master.id} holds the leader node and is also the candidate ${listed.node}: two masters may both act as active.`,
      master_session: master.session,
      master_id: master.id,
      leader_session: listed.session,
      leader_node: listed.node,
      leader_id: listed.id ?? '',
    }),
  ];
}

export const splitBrain: ZkRule<'SplitBrain'> = ({ model, config }) => {
  const master = model.master;
  if (master === null) return [];
  switch (model.splitBrainCheck) {
    case 'session':
      return bySession(model, master, config.severity);
    case 'leader-is-lowest-candidate':
      return byLowestName(model, master, config.severity);
    case 'leader-not-a-candidate':
      return byListedLeader(model, master, config.severity);
    default:
      return [];
  }
};
