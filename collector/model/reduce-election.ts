/**
 * The leader and the candidates. The leader is the layout's leader node (zkpulse R/master; its epoch is its
 * czxid, or the layout's own epoch node: Kafka controller_epoch), or for a `lowest-candidate` layout (a
 * Curator latch, a kazoo election) the lowest-sequence candidate, whose czxid is then the epoch.
 */
import type { NodeEvent } from '../watch/events.ts';
import { emit, eventBytes, forgetValidity, modelWith, trackValidity, type Step } from './step.ts';
import type { CandidateState, ClusterModel, MasterState } from './types.ts';

/** a ≥ b for two decimal zxids; false when either is not one (a recording's stat is input too) */
function zxidAtLeast(a: string, b: string): boolean {
  if (!/^\d{1,20}$/.test(a) || !/^\d{1,20}$/.test(b)) return false;
  return BigInt(a) >= BigInt(b);
}

export function masterPresent(model: ClusterModel, event: NodeEvent, step: Step): ClusterModel {
  const { stat } = event;
  let m = model;
  // A different czxid is a different master node, even if we never saw the old one go.
  if (m.master !== null && (m.master.czxid ?? m.master.epoch) !== stat.czxid) m = masterGone(m, step);
  const elected = m.master === null;
  const decoded = step.layout.decode.leader(event.data, stat.dataLength, eventBytes(event));
  const master: MasterState = {
    id: decoded.ok ? decoded.value.id : null,
    since: decoded.ok ? decoded.value.since : null,
    epoch: stat.czxid,
    session: stat.ephemeralOwner,
    invalid: decoded.ok ? null : decoded.reason,
  };
  if (step.layout.leaderEpoch !== undefined) {
    master.czxid = stat.czxid;
    const previous = m.master;
    if (previous !== null) {
      master.epoch = previous.epoch;
      if (previous.epochPending) master.epochPending = true;
    } else {
      // the epoch node written with this leader (Kafka: in the same transaction) has been read, or not yet
      const known = m.leaderEpoch;
      if (known !== null) master.epoch = known.value;
      if (known === null || !zxidAtLeast(known.mzxid, stat.czxid)) master.epochPending = true;
    }
  }
  m = modelWith(m, { master });
  if (elected && master.epochPending !== true) emit(step, { type: 'MasterElected', id: master.id, epoch: master.epoch, session: master.session });
  return trackValidity(m, step.layout.paths.leader, master.invalid, step);
}

export function masterGone(model: ClusterModel, step: Step): ClusterModel {
  const m = forgetValidity(model, step.layout.paths.leader);
  if (m.master === null) return m;
  // a leader never announced (its epoch still pending) is not announced lost either
  if (m.master.epochPending !== true) emit(step, { type: 'MasterLost', id: m.master.id, epoch: m.master.epoch });
  return modelWith(m, { master: null });
}

/** The layout's leader epoch node (Kafka controller_epoch) was written. */
export function leaderEpochPresent(model: ClusterModel, event: NodeEvent, step: Step): ClusterModel {
  const source = step.layout.leaderEpoch;
  if (source === undefined) return model;
  const decoded = source.decode(event.data, event.stat.dataLength, eventBytes(event));
  let m = trackValidity(model, source.path, decoded.ok ? null : decoded.reason, step);
  if (!decoded.ok) return m;
  m = modelWith(m, { leaderEpoch: { value: decoded.value, mzxid: event.stat.mzxid } });
  const master = m.master;
  if (master === null) return m;
  if (master.epochPending === true) {
    if (!zxidAtLeast(event.stat.mzxid, master.czxid ?? master.epoch)) return modelWith(m, { master: { ...master, epoch: decoded.value } });
    return announce(m, { ...master, epoch: decoded.value }, step);
  }
  // a new epoch for the same leader (not Kafka's way; a migration might): the model follows, the rules count it
  return master.epoch === decoded.value ? m : modelWith(m, { master: { ...master, epoch: decoded.value } });
}

export function leaderEpochGone(model: ClusterModel, step: Step): ClusterModel {
  const source = step.layout.leaderEpoch;
  if (source === undefined) return model;
  const m = forgetValidity(model, source.path);
  return m.leaderEpoch === null ? m : modelWith(m, { leaderEpoch: null });
}

/** A pending leader gets its epoch: now it is elected. */
function announce(model: ClusterModel, pending: MasterState, step: Step): ClusterModel {
  const { epochPending: _, ...master } = pending;
  emit(step, { type: 'MasterElected', id: master.id, epoch: master.epoch, session: master.session });
  return modelWith(model, { master });
}

/**
 * A full sync ended: a lowest-candidate leader is derived now (not while the sync lists the candidates one
 * by one, which would elect each lower one in turn), and a leader still waiting for its epoch takes the
 * epoch known now.
 */
export function settleLeader(model: ClusterModel, step: Step): ClusterModel {
  let m = model;
  if (step.layout.leaderRule === 'lowest-candidate') m = followLowestCandidate(m, step);
  if (m.master !== null && m.master.epochPending === true) m = announce(m, { ...m.master, epoch: m.leaderEpoch?.value ?? m.master.epoch }, step);
  return m;
}

/** A candidate node, `seq` its place in the election (lowest first, from the layout); `nameId` the id its name gives. */
export function candidatePresent(model: ClusterModel, node: string, seq: number, event: NodeEvent, step: Step, nameId?: string): ClusterModel {
  const { stat } = event;
  let m = model;
  const previous = m.candidates.get(node);
  if (previous !== undefined && previous.session !== stat.ephemeralOwner) m = candidateGone(m, node, step);
  const joining = !m.candidates.has(node);
  const decoded = step.layout.decode.candidate(event.data, stat.dataLength, eventBytes(event));
  const candidate: CandidateState = {
    node,
    seq,
    id: (decoded.ok ? decoded.value.id : null) ?? nameId ?? null,
    session: stat.ephemeralOwner,
    czxid: stat.czxid,
  };
  m = modelWith(m, { candidates: m.candidates.set(node, candidate) });
  if (joining) emit(step, { type: 'CandidateJoined', node, id: candidate.id, session: candidate.session });
  m = trackValidity(m, step.layout.paths.candidate(node), decoded.ok ? null : decoded.reason, step);
  return step.layout.leaderRule === 'lowest-candidate' ? followLowestCandidate(m, step, node) : m;
}

/** `follow`: judge the lowest-candidate leader again (not while a whole container goes, one node at a time). */
export function candidateGone(model: ClusterModel, node: string, step: Step, follow = true): ClusterModel {
  let m = forgetValidity(model, step.layout.paths.candidate(node));
  const candidate = m.candidates.get(node);
  if (candidate === undefined) return m;
  emit(step, { type: 'CandidateLeft', node, id: candidate.id });
  m = modelWith(m, { candidates: m.candidates.delete(node) });
  return follow && step.layout.leaderRule === 'lowest-candidate' ? followLowestCandidate(m, step, node) : m;
}

/** The candidates' container (R/election; a latch's root) was removed. */
export function allCandidatesGone(model: ClusterModel, step: Step): ClusterModel {
  let m = model;
  for (const node of model.candidates.keys()) m = candidateGone(m, node, step, false);
  return step.layout.leaderRule === 'lowest-candidate' ? followLowestCandidate(m, step) : m;
}

/** Lower in the election: by sequence, then by name (contract/layouts/sequence.ts compareBySequence). */
function before(a: CandidateState, b: CandidateState): boolean {
  return a.seq < b.seq || (a.seq === b.seq && a.node < b.node);
}

function lowest(model: ClusterModel): CandidateState | undefined {
  let best: CandidateState | undefined;
  for (const c of model.candidates.values()) if (best === undefined || before(c, best)) best = c;
  return best;
}

/**
 * leaderRule lowest-candidate: the leader is the lowest candidate; a new lowest one is a leader change
 * (MasterLost, MasterElected with its czxid as the epoch). Judged only while the model is synced and not
 * blind (settleLeader does it at the end of a sync). O(1) unless the leader itself changed: a scan then.
 */
export function followLowestCandidate(model: ClusterModel, step: Step, changed?: string): ClusterModel {
  if (!model.synced || model.blind) return model;
  const master = model.master;
  const current = master?.node === undefined ? undefined : model.candidates.get(master.node);
  let next: CandidateState | undefined;
  if (current !== undefined && changed !== undefined && changed !== current.node) {
    const c = model.candidates.get(changed);
    next = c !== undefined && before(c, current) ? c : current;
  } else {
    next = lowest(model);
  }
  if (next === undefined) return master === null ? model : masterGone(model, step);
  const epoch = next.czxid ?? '0';
  if (master !== null && master.node === next.node && master.epoch === epoch) {
    return master.id === next.id && master.session === next.session ? model : modelWith(model, { master: { ...master, id: next.id, session: next.session } });
  }
  const m = master === null ? model : masterGone(model, step);
  const leader: MasterState = { id: next.id, since: null, epoch, session: next.session, invalid: null, node: next.node };
  emit(step, { type: 'MasterElected', id: leader.id, epoch, session: leader.session });
  return modelWith(m, { master: leader });
}
