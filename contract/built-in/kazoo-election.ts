/**
 * `kazoo-election` (docs/contract.md §8): kazoo's Election, a Lock on the election path. Children
 * `<hex>__lock__<seq>` (ephemeral, sequential), data = the identifier (UTF-8); the leader (the lock holder)
 * is the lowest sequence. Follows python-zk/kazoo kazoo/recipe/election.py and lock.py at 4476a3b73386
 * (2.6.0-136; Debian's 2.8.0 the same), as read in contract/layouts/kazoo.ts.
 */
import { decodeKazooIdentifier, parseKazooLockChild } from '../layouts/kazoo.ts';
import { sequenceElectionLayout } from './sequence-election.ts';

export const kazooElectionLayout = sequenceElectionLayout({
  name: 'kazoo-election',
  seqOf: (child) => {
    const c = parseKazooLockChild(child);
    return c.ok && c.value.kind === 'lock' ? c.value.seq : null;
  },
  decodeId: decodeKazooIdentifier,
});
