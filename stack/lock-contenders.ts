/**
 * `startLockContender(zk, flavor, path, id)`: one real contender of any lock recipe zkpulse reads
 * (contract/locks.ts), Curator's in a JVM or kazoo's in Python. For tests, drills and demos.
 */
import { startCuratorLockContender } from './curator.ts';
import { startKazooLockContender } from './kazoo.ts';
import type { LockContender, LockContenderOptions, LockFlavor } from './lock-contender.ts';

export { LockContender, LOCK_FLAVORS, type LockFlavor, type LockContenderOptions } from './lock-contender.ts';

/** Each flavor: the process that runs it and the role its fixture takes (test/fixtures/curator/Locks.java, kazoo/locks.py). */
const RECIPES = {
  'curator-mutex': ['curator', 'mutex'],
  'curator-read': ['curator', 'read'],
  'curator-write': ['curator', 'write'],
  'curator-write-read': ['curator', 'write-read'],
  'curator-semaphore': ['curator', 'semaphore'],
  'kazoo-lock': ['kazoo', 'lock'],
  'kazoo-read': ['kazoo', 'read'],
  'kazoo-write': ['kazoo', 'write'],
} as const satisfies Record<LockFlavor, readonly ['curator' | 'kazoo', string]>;

export function startLockContender(connectString: string, flavor: LockFlavor, znodePath: string, identifier: string, opts: LockContenderOptions = {}): Promise<LockContender> {
  const recipe = RECIPES[flavor];
  return recipe[0] === 'curator'
    ? startCuratorLockContender(connectString, recipe[1], znodePath, identifier, opts)
    : startKazooLockContender(connectString, recipe[1], znodePath, identifier, opts);
}
