/**
 * SplitBrain: the session that owns R/master is not the session of the lowest candidate under
 * R/election (the one the election says leads). Sessions are compared, not the ids in the data:
 * two processes may claim the same id, a session cannot lie. Only judged when both exist.
 */
import type { CandidateState } from '../../collector/model/types.ts';
import { condition, type ZkRule } from './types.ts';

function lowest(candidates: Iterable<CandidateState>): CandidateState | null {
  let best: CandidateState | null = null;
  for (const c of candidates) {
    if (best === null || c.seq < best.seq || (c.seq === best.seq && c.node < best.node)) best = c;
  }
  return best;
}

export const splitBrain: ZkRule<'SplitBrain'> = ({ model, config }) => {
  const master = model.master;
  const leader = lowest(model.candidates.values());
  if (master === null || leader === null || master.session === leader.session) return [];
  return [
    condition('SplitBrain', model.name, config.severity, {}, {
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
};
