/** R/master (epoch = its czxid) and the candidates under R/election. */
import type { NodeEvent } from '../watch/events.ts';
import { decodeCandidate, decodeMaster } from './decode.ts';
import { emit, forgetValidity, modelWith, trackValidity, type Step } from './step.ts';
import type { CandidateState, ClusterModel, MasterState } from './types.ts';

export function masterPresent(model: ClusterModel, event: NodeEvent, step: Step): ClusterModel {
  const { stat } = event;
  let m = model;
  // A different czxid is a different master node, even if we never saw the old one go.
  if (m.master !== null && m.master.epoch !== stat.czxid) m = masterGone(m, step);
  const elected = m.master === null;
  const decoded = decodeMaster(event.data, stat.dataLength);
  const master: MasterState = {
    id: decoded.ok ? decoded.value.id : null,
    since: decoded.ok ? decoded.value.since : null,
    epoch: stat.czxid,
    session: stat.ephemeralOwner,
    invalid: decoded.ok ? null : decoded.reason,
  };
  m = modelWith(m, { master });
  if (elected) emit(step, { type: 'MasterElected', id: master.id, epoch: master.epoch, session: master.session });
  return trackValidity(m, 'master', master.invalid, step);
}

export function masterGone(model: ClusterModel, step: Step): ClusterModel {
  const m = forgetValidity(model, 'master');
  if (m.master === null) return m;
  emit(step, { type: 'MasterLost', id: m.master.id, epoch: m.master.epoch });
  return modelWith(m, { master: null });
}

/** Sequence number of an election node: its trailing digits ("n_0000000003" → 3). */
export function candidateSeq(node: string): number {
  const digits = /(\d+)$/.exec(node)?.[1];
  // A name without a sequence sorts after every real candidate.
  return digits === undefined ? Number.MAX_SAFE_INTEGER : Math.min(Number(digits), Number.MAX_SAFE_INTEGER);
}

export function candidatePresent(model: ClusterModel, node: string, event: NodeEvent, step: Step): ClusterModel {
  const { stat } = event;
  let m = model;
  const previous = m.candidates.get(node);
  if (previous !== undefined && previous.session !== stat.ephemeralOwner) m = candidateGone(m, node, step);
  const joining = !m.candidates.has(node);
  const decoded = decodeCandidate(event.data, stat.dataLength);
  const candidate: CandidateState = {
    node,
    seq: candidateSeq(node),
    id: decoded.ok ? decoded.value.id : null,
    session: stat.ephemeralOwner,
  };
  m = modelWith(m, { candidates: m.candidates.set(node, candidate) });
  if (joining) emit(step, { type: 'CandidateJoined', node, id: candidate.id, session: candidate.session });
  return trackValidity(m, `election/${node}`, decoded.ok ? null : decoded.reason, step);
}

export function candidateGone(model: ClusterModel, node: string, step: Step): ClusterModel {
  const m = forgetValidity(model, `election/${node}`);
  const candidate = m.candidates.get(node);
  if (candidate === undefined) return m;
  emit(step, { type: 'CandidateLeft', node, id: candidate.id });
  return modelWith(m, { candidates: m.candidates.delete(node) });
}

/** R/election itself was removed. */
export function allCandidatesGone(model: ClusterModel, step: Step): ClusterModel {
  let m = model;
  for (const node of model.candidates.keys()) m = candidateGone(m, node, step);
  return m;
}
