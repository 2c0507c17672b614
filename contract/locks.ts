/**
 * Locks as the recipes write them (docs/contract.md §9): which child names are lock contenders, and who holds
 * a lock given its contenders. Pure; never throws.
 *
 * Owner of this file: the lock-recipes helper (reads Curator's and kazoo's sources and checks them against the
 * real recipes). The signatures below are fixed for the other parts.
 */
import type { LockMode } from './layout.ts';

export interface LockContenderName {
  readonly seq: number;
  readonly mode: LockMode;
}

/** A contender's name → its sequence and mode; null for a name that is not a contender (e.g. Curator's `leases`). */
export function parseLockContender(name: string): LockContenderName | null {
  const m = /^(?:.*-)?lock-(\d{10})$/.exec(name);
  return m ? { seq: Number(m[1]), mode: 'exclusive' } : null;
}

export interface Contender {
  readonly node: string;
  readonly seq: number;
  readonly mode: LockMode;
}

/**
 * The contenders holding the lock now, lowest sequence first: the lowest `exclusive` or `write`; for a
 * read/write lock every reader before the first writer; every `lease`.
 */
export function lockHolders(contenders: readonly Contender[]): Contender[] {
  const sorted = [...contenders].sort((a, b) => a.seq - b.seq);
  const first = sorted[0];
  return first === undefined ? [] : [first];
}
