/**
 * Locks as the recipes write them (docs/contract.md §9): which child names are lock contenders, and who holds
 * a lock given its contenders. Pure; never throws, whatever the input.
 *
 * Owner of this file: the lock-recipes helper (reads Curator's and kazoo's sources and checks them against the
 * real recipes, test/integration/lock-recipes-real.test.ts). The signatures below are fixed for the other parts.
 *
 * Names (the sequence is ZooKeeper's `%010d` of the parent's cversion, read by contract/layouts/sequence.ts,
 * negatives after the 2^31 wrap included):
 *
 * | name                                   | mode        | written by |
 * |----------------------------------------|-------------|------------|
 * | `lock-<seq>`                           | `exclusive` | zkpulse layout `R/locks/<lock>/` (agent.lock) |
 * | `[_c_<uuid>-]lock-<seq>`               | `exclusive` | Curator InterProcessMutex, LeaderSelector, the `locks/` mutex of InterProcessSemaphoreV2 |
 * | `[_c_<uuid>-]__READ__<seq>`            | `read`      | Curator InterProcessReadWriteLock.readLock() |
 * | `[_c_<uuid>-]__WRIT__<seq>`            | `write`     | Curator InterProcessReadWriteLock.writeLock() |
 * | `[_c_<uuid>-]lease-<seq>`              | `lease`     | Curator InterProcessSemaphoreV2, under `<path>/leases/` |
 * | `<hex>__lock__<seq>`                   | `exclusive` | kazoo Lock, WriteLock, Election, the `<path>-__lock__` mutex of kazoo Semaphore |
 * | `<hex>__rlock__<seq>`                  | `read`      | kazoo ReadLock |
 * | `_c_<32 hex>-lock-<seq>`               | `exclusive` | the Go client's lock (go-zookeeper `zk.Lock`), as kazoo's interop test writes it |
 *
 * Upstream read:
 * - apache/curator at 88dee99a8592 (apache-curator-5.9.0-10), checked against Debian's 5.4.0 jars
 *   (/usr/share/java/curator-recipes.jar, javap) that the tests run, curator-recipes/src/main/java/org/apache/
 *   curator/framework/recipes/locks/:
 *   - InterProcessMutex.java: LOCK_NAME "lock-", maxLeases 1. StandardLockInternalsDriver.java: createsTheLock
 *     `withProtection()` (ProtectedUtils: "_c_" + UUID + "-") EPHEMERAL_SEQUENTIAL; getsTheLock: our index in
 *     the sorted children < maxLeases; LockInternals.getSortedChildren sorts by standardFixForSorting (the text
 *     after the last occurrence of the lock name, i.e. the sequence).
 *   - InterProcessReadWriteLock.java: "__READ__" / "__WRIT__" (no '-' before the sequence); both sort by the
 *     text after either name. The writer is a mutex of 1 over all children. A reader gets the lock when its
 *     index is below the first `__WRIT__` (every reader before the first writer holds). And: when the
 *     thread holding the write lock takes the read lock, getSortingSequence makes the reader node
 *     `__READ__<the writer's own sequence>` (EPHEMERAL, not sequential) and getsTheLock grants it at once
 *     (`writeLock.isOwnedByCurrentThread()`). lockHolders therefore counts a reader with the holding writer's
 *     sequence as a holder too (it is the same process); when that writer releases, the reader is the lowest
 *     and holds like any first reader (Curator's documented lock downgrade). That naming came with Curator
 *     5.5.0 (CURATOR-621, 2c283bd9). Before it (Debian's 5.4.0: javap shows no getSortingSequence) the
 *     holder's read node is an ordinary later `__READ__<seq>`, granted only because the same thread holds the
 *     write lock; the names cannot show that, so lockHolders counts it as a waiter (pinned by the real test).
 *   - InterProcessSemaphoreV2.java: `<path>/locks/` is an InterProcessMutex (`lock-` nodes: the queue of
 *     acquirers, one at a time), `<path>/leases/` holds `lease-` nodes (withProtection, EPHEMERAL_SEQUENTIAL).
 *     Every lease holds — with one exception lockHolders cannot see without maxLeases: the acquirer that holds
 *     the `locks` mutex creates its lease first and then waits while `leases` has more than maxLeases
 *     children. So when all leases are taken, the newest lease node may be a waiter; lockHolders names it.
 * - python-zk/kazoo, Debian python3-kazoo 2.8.0 (/usr/lib/python3/dist-packages/kazoo/recipe/lock.py, what the
 *   tests run) and upstream at 4476a3b73386 (2.6.0-136): Lock._NODE_NAME "__lock__", node prefix
 *   `uuid.uuid4().hex + _NODE_NAME`, ephemeral + sequence; contenders are the children matching
 *   `(?:__lock__|…)(-?\d{10})$`, sorted by that group (the sequence text). Lock and WriteLock exclude
 *   `__lock__` (WriteLock also `__rlock__`): the writer waits for everything before it. ReadLock "__rlock__"
 *   excludes only `__lock__`: readers before the first writer hold. kazoo's `__lock__` name does not say whether
 *   a Lock or a WriteLock wrote it; both are `exclusive` here, which lockHolders treats like `write`.
 *   Divergence: kazoo before 2.9.0 (so Debian's 2.8.0) has issue #649 (fixed by 9bb849941deb, "fix deadlock
 *   in r/w lock recipe"): a ReadLock waits for the highest writer present, also one *after* it, so a waiting
 *   reader with a later writer behind it deadlocks when the writer before it leaves. lockHolders follows the
 *   protocol (and kazoo ≥ 2.9, Curator): that reader is named a holder.
 * - kazoo/tests/test_lock.py (4476a3b73386, "interoperate with go client", a4efaac) names the Go client's lock
 *   node `_c_8eb60557ba51e0da67eefc47467d3f34-lock-0000000031`: Curator's prefix with a UUID of 32 hex digits.
 * - kazoo Semaphore writes leases named `uuid4().hex` with no sequence number: not a contender here.
 */
import type { LockMode } from './layout.ts';
import { curatorProtectedId } from './layouts/curator.ts';
import { sequenceSuffix } from './layouts/sequence.ts';

export interface LockContenderName {
  readonly seq: number;
  readonly mode: LockMode;
}

/** "_c_" + a 36-character UUID + "-" (Curator ProtectedUtils). */
const CURATOR_PROTECTED_LENGTH = 40;
/** The lock names after an optional Curator protection prefix (exact; the zkpulse layout's `lock-` is Curator's). */
const CURATOR_NAMES: Readonly<Record<string, LockMode>> = { 'lock-': 'exclusive', __READ__: 'read', __WRIT__: 'write', 'lease-': 'lease' };
/** "_c_" + 32 hex digits + "-": the Go client's protection prefix. */
const GO_PROTECTED = /^_c_[0-9a-f]{32}-/;
const GO_PROTECTED_LENGTH = 36;
const KAZOO_READ = '__rlock__';
const KAZOO_LOCK = '__lock__';

/**
 * Curator's own reading of a child it did not name itself: LockInternals sorts every child of the lock by
 * standardFixForSorting, the text after the LAST occurrence of the lock name, whatever comes before it (another
 * client's protection prefix, a hand-written head). So `<anything>lock-<seq>` is a mutex contender to Curator,
 * and a monitor must count it too.
 */
function curatorSortedAs(prefix: string): LockMode | undefined {
  for (const [name, mode] of Object.entries(CURATOR_NAMES)) if (prefix.endsWith(name)) return mode;
  return undefined;
}

/** A contender's name → its sequence and mode; null for a name that is not a contender (e.g. Curator's `leases`). */
export function parseLockContender(name: string): LockContenderName | null {
  if (typeof name !== 'string') return null;
  const suffix = sequenceSuffix(name);
  if (suffix === null) return null;
  const { prefix, seq } = suffix;
  const curatorName =
    curatorProtectedId(prefix) !== null ? prefix.slice(CURATOR_PROTECTED_LENGTH) : GO_PROTECTED.test(prefix) ? prefix.slice(GO_PROTECTED_LENGTH) : prefix;
  const curatorMode = Object.hasOwn(CURATOR_NAMES, curatorName) ? CURATOR_NAMES[curatorName] : curatorSortedAs(prefix);
  if (curatorMode !== undefined) return { seq, mode: curatorMode };
  // kazoo, like its contender regex, requires only the marker right before the sequence (the head is uuid4().hex)
  if (prefix.endsWith(KAZOO_READ)) return { seq, mode: 'read' };
  if (prefix.endsWith(KAZOO_LOCK)) return { seq, mode: 'exclusive' };
  return null;
}

export interface Contender {
  readonly node: string;
  readonly seq: number;
  readonly mode: LockMode;
}

const MODES: ReadonlySet<string> = new Set<LockMode>(['exclusive', 'read', 'write', 'lease']);
const MODE_ORDER: Readonly<Record<LockMode, number>> = { exclusive: 0, write: 0, read: 1, lease: 2 };

function wellFormed(c: unknown): c is Contender {
  if (c === null || typeof c !== 'object') return false;
  const { node, seq, mode } = c as Record<string, unknown>;
  return typeof node === 'string' && typeof seq === 'number' && Number.isFinite(seq) && typeof mode === 'string' && MODES.has(mode);
}

/** Lowest sequence first; at one sequence a writer before its own reader (Curator's re-entrant read), then by name. */
function compareContenders(a: Contender, b: Contender): number {
  return a.seq - b.seq || MODE_ORDER[a.mode] - MODE_ORDER[b.mode] || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
}

/**
 * The contenders holding the lock now, lowest sequence first: the lowest `exclusive` or `write`; for a
 * read/write lock every reader before the first writer (and a reader at the holding writer's own sequence:
 * Curator's write-lock holder taking the read lock); every `lease`. Malformed entries and repeats of a node
 * are ignored.
 */
export function lockHolders(contenders: readonly Contender[]): Contender[] {
  if (!Array.isArray(contenders)) return [];
  const seen = new Set<string>();
  const sorted: Contender[] = [];
  for (const c of contenders as readonly unknown[]) {
    if (!wellFormed(c) || seen.has(c.node)) continue;
    seen.add(c.node);
    sorted.push(c);
  }
  sorted.sort(compareContenders);
  const leases = sorted.filter((c) => c.mode === 'lease');
  const queue = sorted.filter((c) => c.mode !== 'lease');
  const holders: Contender[] = [];
  const first = queue[0];
  if (first !== undefined) {
    if (first.mode === 'read') {
      for (const c of queue) {
        if (c.mode !== 'read') break;
        holders.push(c);
      }
    } else {
      holders.push(first);
      if (first.mode === 'write') {
        for (const c of queue.slice(1)) if (c.mode === 'read' && c.seq === first.seq) holders.push(c);
      }
    }
  }
  return [...holders, ...leases].sort(compareContenders);
}
