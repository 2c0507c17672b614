/**
 * `startLockContender(zk, flavor, path, id)`: one real contender of any lock recipe zkpulse reads
 * (contract/locks.ts), Curator's in a JVM or kazoo's in Python. For tests, drills and demos.
 */
import { startCuratorLockContender } from './curator.ts';
import { startKazooLockContender } from './kazoo.ts';
import type { LockContender, LockContenderOptions, LockFlavor } from './lock-contender.ts';

export { LockContender, LOCK_FLAVORS, type LockFlavor, type LockContenderOptions } from './lock-contender.ts';

export function startLockContender(connectString: string, flavor: LockFlavor, znodePath: string, identifier: string, opts: LockContenderOptions = {}): Promise<LockContender> {
  switch (flavor) {
    case 'curator-mutex':
      return startCuratorLockContender(connectString, 'mutex', znodePath, identifier, opts);
    case 'curator-read':
      return startCuratorLockContender(connectString, 'read', znodePath, identifier, opts);
    case 'curator-write':
      return startCuratorLockContender(connectString, 'write', znodePath, identifier, opts);
    case 'curator-write-read':
      return startCuratorLockContender(connectString, 'write-read', znodePath, identifier, opts);
    case 'curator-semaphore':
      return startCuratorLockContender(connectString, 'semaphore', znodePath, identifier, opts);
    case 'kazoo-lock':
      return startKazooLockContender(connectString, 'lock', znodePath, identifier, opts);
    case 'kazoo-read':
      return startKazooLockContender(connectString, 'read', znodePath, identifier, opts);
    case 'kazoo-write':
      return startKazooLockContender(connectString, 'write', znodePath, identifier, opts);
  }
}
