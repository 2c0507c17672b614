/**
 * Apache Curator recipes: LeaderLatch, LeaderSelector, InterProcessMutex, InterProcessReadWriteLock.
 *
 * Upstream read: apache/curator at 88dee99a8592 (apache-curator-5.9.0-10; Debian ships 5.4.0, same code here):
 * - curator-framework/.../framework/imps/ProtectedUtils.java: `withProtection()` names start with
 *   PROTECTED_PREFIX "_c_" + a canonical 36-character UUID + PROTECTED_SEPARATOR '-' (isProtectedZNode
 *   checks the length, the '-' at index 39 and UUID.fromString).
 * - curator-recipes/.../leader/LeaderLatch.java: LOCK_NAME "latch-", created withProtection() EPHEMERAL_SEQUENTIAL
 *   under the latch path with data `LeaderSelector.getIdBytes(id)` (the participant id, UTF-8; "" by default).
 * - curator-recipes/.../leader/LeaderSelector.java: an InterProcessMutex on the leader path; node data is
 *   `getIdBytes(id)` when the id is non-empty, else null, and Curator's create() then writes the client's
 *   default data, CuratorFrameworkFactory.LOCAL_ADDRESS (`InetAddress.getLocalHost().getHostAddress()`).
 *   participantForPath reads the id back as `new String(bytes, "UTF-8")`.
 * - curator-recipes/.../locks/InterProcessMutex.java: LOCK_NAME "lock-"; StandardLockInternalsDriver.
 *   createsTheLock: withProtection(), EPHEMERAL_SEQUENTIAL.
 * - curator-recipes/.../locks/InterProcessReadWriteLock.java: "__READ__" and "__WRIT__" (no '-' before the
 *   sequence), each with protection.
 * - Order: LockInternals.getSortedChildren sorts by standardFixForSorting, the text after the last
 *   occurrence of the lock name; for ZooKeeper's 10-digit numbers that is the numeric order (see sequence.ts).
 */
import { fail, ok, utf8Text, type Decoded, type ZnodeText } from './decoded.ts';
import { sequenceSuffix } from './sequence.ts';

export const CURATOR_PROTECTED_PREFIX = '_c_';
export const CURATOR_LATCH_LOCK_NAME = 'latch-';
export const CURATOR_MUTEX_LOCK_NAME = 'lock-';
export const CURATOR_READ_LOCK_NAME = '__READ__';
export const CURATOR_WRITE_LOCK_NAME = '__WRIT__';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** "_c_" + 36 + "-" */
const PROTECTED_LENGTH = 3 + 36 + 1;

/** ProtectedUtils.isProtectedZNode + extractProtectedId: the UUID of a protected name, or null. */
export function curatorProtectedId(name: string): string | null {
  if (name.length <= PROTECTED_LENGTH || !name.startsWith(CURATOR_PROTECTED_PREFIX) || name[PROTECTED_LENGTH - 1] !== '-') return null;
  const id = name.slice(3, PROTECTED_LENGTH - 1);
  return UUID.test(id) ? id : null;
}

/** ProtectedUtils.normalize: the name without its protection prefix. */
export function curatorNormalize(name: string): string {
  return curatorProtectedId(name) === null ? name : name.slice(PROTECTED_LENGTH);
}

export interface CuratorChild {
  name: string;
  /** The `withProtection()` UUID, or null for an unprotected name (older clients, or written by hand). */
  protectedId: string | null;
  lockName: string;
  seq: number;
}

/**
 * A child `[_c_<uuid>-]<lockName><seq>` (LeaderLatch: "latch-", LeaderSelector and InterProcessMutex: "lock-",
 * read/write lock: "__READ__" / "__WRIT__"). Anything else is a reason: Curator itself would still sort
 * such a child (by its whole name), but no Curator recipe writes one.
 */
export function parseCuratorChild(name: string, lockNames: readonly string[]): Decoded<CuratorChild> {
  const protectedId = curatorProtectedId(name);
  const rest = protectedId === null ? name : name.slice(PROTECTED_LENGTH);
  const suffix = sequenceSuffix(rest);
  if (suffix === null) return fail(`child ${JSON.stringify(name)} has no ZooKeeper sequence number at its end`);
  const lockName = lockNames.find((l) => suffix.prefix === l);
  if (lockName === undefined) {
    const expected = lockNames.map((l) => `[_c_<uuid>-]${l}<seq>`).join(' or ');
    return fail(`child ${JSON.stringify(name)} is not ${expected}`);
  }
  return ok({ name, protectedId, lockName, seq: suffix.seq });
}

export const parseLeaderLatchChild = (name: string): Decoded<CuratorChild> => parseCuratorChild(name, [CURATOR_LATCH_LOCK_NAME]);
export const parseLeaderSelectorChild = (name: string): Decoded<CuratorChild> => parseCuratorChild(name, [CURATOR_MUTEX_LOCK_NAME]);
export const parseReadWriteLockChild = (name: string): Decoded<CuratorChild> =>
  parseCuratorChild(name, [CURATOR_READ_LOCK_NAME, CURATOR_WRITE_LOCK_NAME]);

/**
 * The participant id a LeaderLatch or LeaderSelector node holds: its data as UTF-8 text. An empty id is
 * valid ("" is LeaderLatch's default); a LeaderSelector without an id holds the client's local address.
 */
export function decodeCuratorParticipantId(data: ZnodeText): Decoded<string> {
  const text = utf8Text(data, 'participant id');
  return text.ok ? text : fail(text.reason);
}
