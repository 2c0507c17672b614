/** What the lock rules say of a lock's first holder (docs/contract.md §9). */
import type { LockContenderState, LockState } from '../../collector/model/types.ts';
import type { ClusterMemory } from './memory.ts';

export interface LockHolder {
  contender: LockContenderState;
  /** when it began to hold: the memory's (kept across a collector restart), else the model's */
  since: number;
  /** holders besides the first (readers sharing a read lock, semaphore leases) */
  others: number;
  waiters: number;
}

/** The lock's first holder, or null when nobody holds it. */
export function firstHolder(lock: LockState, memory: ClusterMemory): LockHolder | null {
  const node = lock.holders[0];
  const contender = node === undefined ? undefined : lock.contenders.get(node);
  if (contender === undefined) return null;
  const kept = memory.lockHolds.get(lock.lock);
  const since = kept !== undefined && kept.node === contender.node ? kept.since : (lock.heldSince ?? contender.ctime);
  return { contender, since, others: lock.holders.length - 1, waiters: Math.max(0, lock.contenders.size - lock.holders.length) };
}

/** `owner` as an annotation: the data's owner, or '' when it names none. */
export const ownerText = (c: LockContenderState): string => c.owner ?? '';

/** "nightly (held by w1, node lock-0000000003)" style names for descriptions. */
export function holderText(h: LockHolder): string {
  const who = h.contender.owner === null ? `session ${h.contender.session}` : `${h.contender.owner} (session ${h.contender.session})`;
  return `${who}, node ${h.contender.node}${h.others > 0 ? `, with ${h.others} other holder(s)` : ''}`;
}
