/**
 * contract/locks.ts: the lock names Curator and kazoo write, and who holds. The names are copied from real runs
 * of the recipes (test/integration/lock-recipes-real.test.ts against Debian's Curator 5.4.0 and kazoo 2.8.0)
 * and from the upstream sources cited in contract/locks.ts.
 */
import test from 'ava';
import { lockHolders, parseLockContender, type Contender } from '../../contract/locks.ts';

const real = {
  curatorMutex: ['_c_c8475295-3e6c-478a-9345-04d797c4a2f7-lock-0000000000', '_c_d4cc5f22-7ba3-4a6c-8844-4e608240de58-lock-0000000001', '_c_966e03f8-6545-4baf-b151-d418d2a03885-lock-0000000002'],
  // InterProcessReadWriteLock and kazoo ReadLock/WriteLock: R0, R1, W2, R3, listed R1, W2, R3, R0 (getChildren is unordered)
  curatorReadWrite: [
    '_c_8ba2bf2a-1b21-442f-86a2-6b35beaecd9e-__READ__0000000001',
    '_c_365a0f9c-2009-44aa-8d9c-50857a08c4e5-__WRIT__0000000002',
    '_c_3c8f5fff-9bdb-4080-9ea7-be7982896cd3-__READ__0000000003',
    '_c_1d0841ca-552f-4c7f-a979-c13477a7c391-__READ__0000000000',
  ],
  curatorLeases: ['_c_0ce5209b-eafd-48b3-9c74-472a030a3835-lease-0000000000', '_c_021ed001-cd29-4aa0-b2b9-78a9ef0289c3-lease-0000000001', '_c_552dc31c-4aa6-4825-81b0-082c516f227d-lease-0000000002'],
  curatorSemaphoreMutex: ['_c_be6c7870-e134-48cc-8dc1-1ff3e0c00039-lock-0000000003', '_c_1a1c4d99-cdf4-4067-ab5a-8d5edd5cee89-lock-0000000002'],
  kazooLock: ['70f2c9da304648c98ec5ac21e4fd3616__lock__0000000000', '6fd2bdf961c54b61911118277e8161eb__lock__0000000001', '672699ac93f94c8490c27b37240b6975__lock__0000000002'],
  kazooReadWrite: [
    '10aacaa7b71d46f38b7b80529971ab21__rlock__0000000001',
    '959a86fb6c4e46f3890021b86e215df7__lock__0000000002',
    '23031da4806d4001b95b906cc94c7b8e__rlock__0000000003',
    'b4684a772eda477ba6097eb01ac2c3b3__rlock__0000000000',
  ],
};

function contenders(names: readonly string[]): Contender[] {
  return names.map((node) => {
    const parsed = parseLockContender(node);
    if (parsed === null) throw new Error(`${node} does not parse`);
    return { node, ...parsed };
  });
}
const holders = (names: readonly string[]): string[] => lockHolders(contenders(names)).map((c) => c.node);

test('parseLockContender: the names real recipes wrote, with their sequence and mode', (t) => {
  t.deepEqual(parseLockContender(real.curatorMutex[1]!), { seq: 1, mode: 'exclusive' });
  t.deepEqual(parseLockContender(real.curatorReadWrite[0]!), { seq: 1, mode: 'read' });
  t.deepEqual(parseLockContender(real.curatorReadWrite[1]!), { seq: 2, mode: 'write' });
  t.deepEqual(parseLockContender(real.curatorLeases[2]!), { seq: 2, mode: 'lease' });
  t.deepEqual(parseLockContender(real.curatorSemaphoreMutex[0]!), { seq: 3, mode: 'exclusive' });
  t.deepEqual(parseLockContender(real.kazooLock[2]!), { seq: 2, mode: 'exclusive' });
  t.deepEqual(parseLockContender(real.kazooReadWrite[0]!), { seq: 1, mode: 'read' });
  t.deepEqual(parseLockContender(real.kazooReadWrite[1]!), { seq: 2, mode: 'exclusive' }, 'kazoo Lock and WriteLock both write __lock__');
});

test('parseLockContender: the zkpulse layout, unprotected Curator names and the upstream sources', (t) => {
  t.deepEqual(parseLockContender('lock-0000000042'), { seq: 42, mode: 'exclusive' }, 'zkpulse R/locks/<lock>/lock-<seq>');
  t.deepEqual(parseLockContender('__READ__0000000007'), { seq: 7, mode: 'read' }, 'Curator without protection');
  t.deepEqual(parseLockContender('__WRIT__0000000008'), { seq: 8, mode: 'write' });
  t.deepEqual(parseLockContender('lease-0000000009'), { seq: 9, mode: 'lease' });
  // kazoo/tests/test_lock.py (4476a3b73386): the Go client's lock and a kazoo lock on one path
  t.deepEqual(parseLockContender('_c_8eb60557ba51e0da67eefc47467d3f34-lock-0000000031'), { seq: 31, mode: 'exclusive' });
  t.deepEqual(parseLockContender('514e5a831836450cb1a56c741e990fd8__lock__0000000032'), { seq: 32, mode: 'exclusive' });
  t.deepEqual(parseLockContender('__lock__0000000003'), { seq: 3, mode: 'exclusive' }, 'kazoo requires only the marker');
});

test('parseLockContender: negative sequences after the 2^31 wrap (contract/layouts/sequence.ts)', (t) => {
  t.deepEqual(parseLockContender('lock--000000001'), { seq: -1, mode: 'exclusive' });
  t.deepEqual(parseLockContender('_c_c8475295-3e6c-478a-9345-04d797c4a2f7-lock--2147483648'), { seq: -2147483648, mode: 'exclusive' });
  t.deepEqual(parseLockContender('__READ__-000000005'), { seq: -5, mode: 'read' });
  t.deepEqual(parseLockContender('70f2c9da304648c98ec5ac21e4fd3616__rlock__-1000000000'), { seq: -1000000000, mode: 'read' });
  t.deepEqual(parseLockContender('lock-2147483647'), { seq: 2147483647, mode: 'exclusive' });
});

test('parseLockContender: not contenders', (t) => {
  for (const name of [
    'leases', // InterProcessSemaphoreV2's parents
    'locks',
    '70f2c9da304648c98ec5ac21e4fd3616', // a kazoo Semaphore lease: no sequence
    '70f2c9da304648c98ec5ac21e4fd3616__party__', // kazoo Party
    '_c_c8475295-3e6c-478a-9345-04d797c4a2f7-latch-0000000001', // LeaderLatch is an election, not a lock
    'n_0000000001', // zkpulse election
    'lock-42', // not ZooKeeper's 10 digits
    'lock-2147483648', // over int32
    '__READ__',
    '',
  ]) {
    t.is(parseLockContender(name), null, name);
  }
});

test('lockHolders: exclusive locks, the lowest sequence holds (real Curator and kazoo children, unsorted)', (t) => {
  t.deepEqual(holders([...real.curatorMutex].reverse()), [real.curatorMutex[0]]);
  t.deepEqual(holders(real.kazooLock.slice(1)), [real.kazooLock[1]], 'after the holder released');
  t.deepEqual(holders(real.curatorSemaphoreMutex), [real.curatorSemaphoreMutex[1]], 'the semaphore queue');
  t.deepEqual(lockHolders([]), []);
});

test('lockHolders: read/write locks, the readers before the first writer (real runs, through two hand-overs)', (t) => {
  for (const names of [real.curatorReadWrite, real.kazooReadWrite]) {
    const [r1, w2, r3, r0] = names as [string, string, string, string];
    t.deepEqual(holders(names), [r0, r1], 'two readers share');
    t.deepEqual(holders([r1, w2, r3]), [r1], 'one reader left; the writer still waits');
    t.deepEqual(holders([w2, r3]), [w2], 'the writer holds alone; the reader after it waits');
    t.deepEqual(holders([r3]), [r3]);
  }
});

test('lockHolders: Curator lets the write-lock holder take the read lock (a reader at the writer’s sequence)', (t) => {
  // Curator ≥ 5.5.0 (CURATOR-621) ReadLock.getSortingSequence: the reader node is __READ__<the writer's sequence>
  const writer = '_c_365a0f9c-2009-44aa-8d9c-50857a08c4e5-__WRIT__0000000002';
  const ownRead = '_c_0b1e8e8c-6f0a-4f0e-9d55-3c1f7c0c0a11-__READ__0000000002';
  const later = '_c_3c8f5fff-9bdb-4080-9ea7-be7982896cd3-__READ__0000000003';
  t.deepEqual(holders([later, ownRead, writer]), [writer, ownRead], 'the writer first, then its own read');
  t.deepEqual(holders([later, ownRead]), [ownRead, later], 'downgraded: the writer released, readers share');
  t.deepEqual(holders(['__WRIT__0000000005', '__READ__0000000006']), ['__WRIT__0000000005'], 'a later reader still waits');
});

test('lockHolders: every lease holds, lowest first', (t) => {
  t.deepEqual(holders([...real.curatorLeases].reverse()), real.curatorLeases);
});

test('lockHolders: ordered by the signed sequence, negatives after the wrap first', (t) => {
  t.deepEqual(holders(['lock-2147483647', 'lock--2147483648']), ['lock--2147483648']);
});

test('lockHolders: malformed entries and repeated nodes are ignored', (t) => {
  const odd = [
    null,
    { node: 'lock-0000000001', seq: Number.NaN, mode: 'exclusive' },
    { node: 'x', seq: 0, mode: 'bogus' },
    { node: 7, seq: 0, mode: 'read' },
    { node: 'lock-0000000004', seq: 4, mode: 'exclusive' },
    { node: 'lock-0000000004', seq: 4, mode: 'exclusive' },
  ] as unknown as Contender[];
  t.deepEqual(lockHolders(odd).map((c) => c.node), ['lock-0000000004']);
  t.deepEqual(lockHolders(null as unknown as Contender[]), []);
});

test('parseLockContender reads a child as Curator sorts it: whatever precedes the last lock name (standardFixForSorting)', (t) => {
  // curator-recipes LockInternals.getSortedChildren / StandardLockInternalsDriver.standardFixForSorting
  t.deepEqual(parseLockContender('_c_not-a-uuid-lock-0000000001'), { seq: 1, mode: 'exclusive' });
  t.deepEqual(parseLockContender('xlock-0000000002'), { seq: 2, mode: 'exclusive' });
  t.deepEqual(parseLockContender('_c_8f7e-__WRIT__0000000003'), { seq: 3, mode: 'write' });
  t.deepEqual(parseLockContender('worker-7-lease-0000000004'), { seq: 4, mode: 'lease' });
  t.is(parseLockContender('_c_8f7e-latch-0000000005'), null, 'a latch is an election');
});
