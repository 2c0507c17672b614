/**
 * A layout whose candidates are the sequential children of the root and whose leader is the lowest of them
 * (Curator LeaderLatch / LeaderSelector, kazoo Election): each candidate is also a member, keyed by its node
 * name (participant ids may be empty or shared). Order is by the sequence number, never by the name
 * (contract/layouts/sequence.ts): the prefixes hold random UUIDs.
 */
import type { CandidateData, Decoded, Layout, MemberData, NodeClass } from '../layout.ts';
import type { ZnodeText } from '../layouts/decoded.ts';
import { decodeText, layoutPaths, memberData, NO_BEAT_NO_TASKS, NO_LEADER, NO_STATUS, NO_TASK } from './common.ts';

const ROOT: NodeClass = { role: 'root' };
const OTHER: NodeClass = { role: 'other' };

export interface SequenceElection {
  name: string;
  /** the sequence number of a child of the root, or null when it is not a candidate's name */
  seqOf(child: string): number | null;
  /** the participant id in a candidate's data */
  decodeId(data: ZnodeText): Decoded<string>;
}

export function sequenceElectionLayout(spec: SequenceElection): Layout {
  const classify = (rel: string): NodeClass => {
    if (rel === '') return ROOT;
    if (rel.includes('/')) return OTHER;
    const seq = spec.seqOf(rel);
    return seq === null ? OTHER : { role: 'candidate', node: rel, seq, member: rel };
  };
  const candidate = (data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<CandidateData> =>
    decodeText(data, dataLength, bytes, spec.decodeId, (id) => ({ id }));
  const member = (data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<MemberData> =>
    decodeText(data, dataLength, bytes, spec.decodeId, (id) => memberData({ id, meta: { participantId: id } }));
  return {
    name: spec.name,
    watch: { containers: [{ path: '', depth: 1 }], leaves: [] },
    classify,
    paths: layoutPaths({ candidate: (node) => node, member: (id) => id }),
    decode: { leader: NO_LEADER, candidate, member, status: NO_STATUS, task: NO_TASK },
    capabilities: { ...NO_BEAT_NO_TASKS, splitBrain: false },
    leaderRule: 'lowest-candidate',
  };
}
