/**
 * kazoo recipes (python-zk/kazoo): Lock / Election, ReadLock / WriteLock, Party, ShallowParty.
 *
 * Upstream read: python-zk/kazoo at 4476a3b73386 (2.6.0-136; Debian's python3-kazoo 2.8.0 has the same
 * names and regexes, checked against /usr/lib/python3/dist-packages/kazoo/recipe/):
 * - kazoo/recipe/lock.py: Lock._NODE_NAME "__lock__", node prefix `uuid.uuid4().hex + _NODE_NAME`, created
 *   `ephemeral=True, sequence=True` with data `str(identifier or "").encode("utf-8")`. Contenders are the
 *   children matching `(?:__lock__|…)(-?\d{10})$`, sorted by that group. ReadLock._NODE_NAME "__rlock__"
 *   (excludes only "__lock__"), WriteLock "__lock__" (excludes "__lock__" and "__rlock__").
 * - kazoo/recipe/election.py: Election is `client.Lock(path, identifier)`: the leader is the lock holder,
 *   contenders() returns each contender's data.
 * - kazoo/recipe/party.py: Party._NODE_NAME "__party__", node `uuid.uuid4().hex + "__party__"` — ephemeral,
 *   NOT sequential, data = identifier; members are children containing "__party__". ShallowParty: node
 *   `"-".join([uuid4().hex, identifier])` (data = identifier too); a member's id is `child[child.find("-") + 1:]`.
 */
import { fail, ok, utf8Text, type Decoded, type ZnodeText } from './decoded.ts';
import { sequenceSuffix } from './sequence.ts';

export const KAZOO_LOCK_NODE = '__lock__';
export const KAZOO_READ_LOCK_NODE = '__rlock__';
export const KAZOO_PARTY_NODE = '__party__';

const HEX32 = /^[0-9a-f]{32}$/;

export interface KazooLockChild {
  name: string;
  /** The uuid4().hex prefix, or null when the prefix is not 32 hex digits (kazoo itself does not check it). */
  uuid: string | null;
  kind: 'lock' | 'rlock';
  seq: number;
}

/**
 * A Lock / Election / WriteLock child `<hex>__lock__<seq>` or a ReadLock child `<hex>__rlock__<seq>`.
 * Like kazoo's contender regex, only the marker and the 10-digit number are required.
 */
export function parseKazooLockChild(name: string): Decoded<KazooLockChild> {
  const suffix = sequenceSuffix(name);
  if (suffix === null) return fail(`child ${JSON.stringify(name)} has no ZooKeeper sequence number at its end`);
  const kind = suffix.prefix.endsWith(KAZOO_READ_LOCK_NODE) ? 'rlock' : suffix.prefix.endsWith(KAZOO_LOCK_NODE) ? 'lock' : null;
  if (kind === null) return fail(`child ${JSON.stringify(name)} is not <hex>__lock__<seq> or <hex>__rlock__<seq>`);
  const head = suffix.prefix.slice(0, suffix.prefix.length - (kind === 'rlock' ? KAZOO_READ_LOCK_NODE : KAZOO_LOCK_NODE).length);
  return ok({ name, uuid: HEX32.test(head) ? head : null, kind, seq: suffix.seq });
}

/** A kazoo identifier (Lock, Election, Party, ShallowParty data): UTF-8 text, "" when none was given. */
export function decodeKazooIdentifier(data: ZnodeText): Decoded<string> {
  return utf8Text(data, 'identifier');
}

export type KazooPartyMember =
  | { kind: 'party'; name: string; uuid: string | null }
  | { kind: 'shallow'; name: string; uuid: string | null; id: string };

/**
 * A child of a party path: a Party member (`<hex>__party__`, its id is the node's data) or a ShallowParty
 * member (`<hex>-<id>`, its id is in the name). kazoo's Party counts any child containing "__party__";
 * its ShallowParty counts every child and cuts at the first '-' (a name without '-' is its own id).
 */
export function parseKazooPartyChild(name: string): Decoded<KazooPartyMember> {
  if (name.length === 0) return fail('empty child name');
  const marker = name.indexOf(KAZOO_PARTY_NODE);
  if (marker >= 0) {
    const head = name.slice(0, marker);
    return ok({ kind: 'party', name, uuid: HEX32.test(head) && marker + KAZOO_PARTY_NODE.length === name.length ? head : null });
  }
  const dash = name.indexOf('-');
  const head = dash >= 0 ? name.slice(0, dash) : '';
  return ok({ kind: 'shallow', name, uuid: HEX32.test(head) ? head : null, id: name.slice(dash + 1) });
}
