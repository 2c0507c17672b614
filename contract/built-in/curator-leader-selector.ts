/**
 * `curator-leader-selector` (docs/contract.md §8): Apache Curator's LeaderSelector, an InterProcessMutex on
 * the selector's path. Children `[_c_<uuid>-]lock-<seq>`, data = the id, or without one Curator's default
 * data (the client's local IP address); the leader (the mutex holder) is the lowest sequence. Follows
 * apache/curator LeaderSelector.java, InterProcessMutex.java, StandardLockInternalsDriver.java at
 * 88dee99a8592 (5.9.0-10), as read in contract/layouts/curator.ts.
 */
import { decodeCuratorParticipantId, parseLeaderSelectorChild } from '../layouts/curator.ts';
import { sequenceElectionLayout } from './sequence-election.ts';

export const curatorLeaderSelectorLayout = sequenceElectionLayout({
  name: 'curator-leader-selector',
  seqOf: (child) => {
    const c = parseLeaderSelectorChild(child);
    return c.ok ? c.value.seq : null;
  },
  decodeId: decodeCuratorParticipantId,
});
