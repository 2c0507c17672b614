/** The leader (R/master; its epoch is its czxid) and the candidates (R/election/n_<seq>). */
import type { NodeEvent } from '../watch/events.ts';
import { emit, forgetValidity, modelWith, trackValidity, type Step } from './step.ts';
import type { CandidateState, ClusterModel, MasterState } from './types.ts';

export function masterPresent(model: ClusterModel, event: NodeEvent, step: Step): ClusterModel {
  const { stat } = event;
  let m = model;
  // A different czxid is a different master node, even if we never saw the old one go.
  if (m.master !== null && m.master.epoch !== stat.czxid) m = masterGone(m, step);
  const elected = m.master === null;
  const decoded = step.layout.decode.leader(event.data, stat.dataLength);
  const master: MasterState = {
    id: decoded.ok ? decoded.value.id : null,
    since: decoded.ok ? decoded.value.since : null,
    epoch: stat.czxid,
    session: stat.ephemeralOwner,
    invalid: decoded.ok ? null : decoded.reason,
  };
  m = modelWith(m, { master });
  if (elected) emit(step, { type: 'MasterElected', id: master.id, epoch: master.epoch, session: master.session });
  return trackValidity(m, step.layout.paths.leader, master.invalid, step);
}

export function masterGone(model: ClusterModel, step: Step): ClusterModel {
  const m = forgetValidity(model, step.layout.paths.leader);
  if (m.master === null) return m;
  emit(step, { type: 'MasterLost', id: m.master.id, epoch: m.master.epoch });
  return modelWith(m, { master: null });
}

/** A candidate node, `seq` its place in the election (lowest first, from the layout). */
export function candidatePresent(model: ClusterModel, node: string, seq: number, event: NodeEvent, step: Step): ClusterModel {
  const { stat } = event;
  let m = model;
  const previous = m.candidates.get(node);
  if (previous !== undefined && previous.session !== stat.ephemeralOwner) m = candidateGone(m, node, step);
  const joining = !m.candidates.has(node);
  const decoded = step.layout.decode.candidate(event.data, stat.dataLength);
  const candidate: CandidateState = {
    node,
    seq,
    id: decoded.ok ? decoded.value.id : null,
    session: stat.ephemeralOwner,
  };
  m = modelWith(m, { candidates: m.candidates.set(node, candidate) });
  if (joining) emit(step, { type: 'CandidateJoined', node, id: candidate.id, session: candidate.session });
  return trackValidity(m, step.layout.paths.candidate(node), decoded.ok ? null : decoded.reason, step);
}

export function candidateGone(model: ClusterModel, node: string, step: Step): ClusterModel {
  const m = forgetValidity(model, step.layout.paths.candidate(node));
  const candidate = m.candidates.get(node);
  if (candidate === undefined) return m;
  emit(step, { type: 'CandidateLeft', node, id: candidate.id });
  return modelWith(m, { candidates: m.candidates.delete(node) });
}

/** The candidates' container (R/election) was removed. */
export function allCandidatesGone(model: ClusterModel, step: Step): ClusterModel {
  let m = model;
  for (const node of model.candidates.keys()) m = candidateGone(m, node, step);
  return m;
}
