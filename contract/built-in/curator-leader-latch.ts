/**
 * `curator-leader-latch` (docs/contract.md §8): Apache Curator's LeaderLatch. Root = the latch path; children
 * `[_c_<uuid>-]latch-<seq>` (EPHEMERAL_SEQUENTIAL, withProtection), data = the participant id (UTF-8, "" by
 * default); the leader is the lowest sequence. Follows apache/curator LeaderLatch.java and ProtectedUtils.java
 * at 88dee99a8592 (5.9.0-10; Debian's 5.4.0 writes the same), as read in contract/layouts/curator.ts.
 */
import { decodeCuratorParticipantId, parseLeaderLatchChild } from '../layouts/curator.ts';
import { sequenceElectionLayout } from './sequence-election.ts';

export const curatorLeaderLatchLayout = sequenceElectionLayout({
  name: 'curator-leader-latch',
  seqOf: (child) => {
    const c = parseLeaderLatchChild(child);
    return c.ok ? c.value.seq : null;
  },
  decodeId: decodeCuratorParticipantId,
});
