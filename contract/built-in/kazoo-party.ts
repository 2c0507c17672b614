/**
 * `kazoo-party` (docs/contract.md §8): kazoo's Party and ShallowParty under the party path. A Party member
 * is `<hex>__party__` (ephemeral, not sequential; its identifier is the data): keyed by its node name. A
 * ShallowParty member is `<hex>-<identifier>`: keyed by the identifier (what follows the first '-', as
 * kazoo reads it). Follows python-zk/kazoo kazoo/recipe/party.py at 4476a3b73386 (2.6.0-136; Debian's
 * 2.8.0 the same), as read in contract/layouts/kazoo.ts. No leader, no candidates.
 */
import type { Decoded, Layout, MemberData, NodeClass } from '../layout.ts';
import { decodeKazooIdentifier, parseKazooPartyChild } from '../layouts/kazoo.ts';
import { decodeText, layoutPaths, memberData, NO_BEAT_NO_TASKS, NO_CANDIDATE, NO_LEADER, NO_STATUS, NO_TASK } from './common.ts';

const ROOT: NodeClass = { role: 'root' };
const OTHER: NodeClass = { role: 'other' };

function classify(rel: string): NodeClass {
  if (rel === '') return ROOT;
  if (rel.includes('/')) return OTHER;
  const child = parseKazooPartyChild(rel);
  if (!child.ok) return OTHER;
  return { role: 'member', id: child.value.kind === 'party' ? rel : child.value.id };
}

const member = (data: string | null, dataLength: number, bytes?: Uint8Array | null): Decoded<MemberData> =>
  decodeText(data, dataLength, bytes, decodeKazooIdentifier, (id) => memberData({ id, meta: { identifier: id } }));

/**
 * The key of a member's invalid data: a Party member's key is its node name (its path); a ShallowParty
 * member's is its identifier, the name after `<hex>-` (its node's name is not known from the key).
 */
const memberPath = (id: string): string => id;

export const kazooPartyLayout: Layout = {
  name: 'kazoo-party',
  watch: { containers: [{ path: '', depth: 1 }], leaves: [] },
  classify,
  paths: layoutPaths({ member: memberPath }),
  decode: { leader: NO_LEADER, candidate: NO_CANDIDATE, member, status: NO_STATUS, task: NO_TASK },
  capabilities: { ...NO_BEAT_NO_TASKS, splitBrain: false },
  leaderRule: 'node',
};
