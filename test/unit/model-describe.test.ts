import test from 'ava';
import { describeEvent } from '../../collector/model/describe.ts';
import type { DomainEvent } from '../../collector/model/domain-events.ts';

const base = { cluster: 'crawler', time: 1_700_000_000_000 };

const cases: [DomainEvent, string, string][] = [
  [{ ...base, type: 'WorkerJoined', worker: 'w1', host: 'h1' }, 'w1', 'worker w1 joined from h1'],
  [{ ...base, type: 'WorkerJoined', worker: 'w1', host: null }, 'w1', 'worker w1 joined'],
  [{ ...base, type: 'WorkerLeft', worker: 'w1', reason: 'leaving' }, 'w1', 'worker w1 left on purpose'],
  [{ ...base, type: 'WorkerLeft', worker: 'w1', reason: 'crash' }, 'w1', 'worker w1 crashed: its node vanished without leaving'],
  [{ ...base, type: 'HeartbeatSeen', worker: 'w1', beat: 0 }, 'w1', 'heartbeat from worker w1 at 1970-01-01T00:00:00.000Z'],
  [{ ...base, type: 'HeartbeatSeen', worker: 'w1', beat: Number.NaN }, 'w1', 'heartbeat from worker w1 at NaN'],
  [{ ...base, type: 'MasterElected', id: 'm1', epoch: '77', session: 'a1' }, 'm1', 'master m1 elected (epoch 77, session a1)'],
  [{ ...base, type: 'MasterElected', id: null, epoch: '77', session: 'a1' }, 'unknown', 'master unknown elected (epoch 77, session a1)'],
  [{ ...base, type: 'MasterLost', id: 'm1', epoch: '77' }, 'm1', 'master m1 lost (epoch 77)'],
  [{ ...base, type: 'CandidateJoined', node: 'n_0000000003', id: 'm2', session: 'a2' }, 'm2', 'candidate m2 joined the election as n_0000000003'],
  [{ ...base, type: 'CandidateLeft', node: 'n_0000000003', id: null }, 'n_0000000003', 'candidate unknown (n_0000000003) left the election'],
  [{ ...base, type: 'TaskCreated', task: 't1' }, 't1', 'task t1 created'],
  [{ ...base, type: 'TaskAssigned', task: 't1', worker: 'w1' }, 't1', 'task t1 assigned to worker w1'],
  [{ ...base, type: 'ProgressUpdated', task: 't1', worker: 'w1', done: 3, total: 12 }, 't1', 'task t1 at 3/12 (25%) on worker w1'],
  [{ ...base, type: 'ProgressUpdated', task: 't1', worker: null, done: 3, total: 0 }, 't1', 'task t1 at 3/0'],
  [{ ...base, type: 'TaskFinished', task: 't1', worker: 'w1', outcome: 'done' }, 't1', 'task t1 on worker w1 done'],
  [{ ...base, type: 'TaskFinished', task: 't1', worker: null, outcome: 'failed' }, 't1', 'task t1 failed'],
  [
    { ...base, type: 'TaskFinished', task: 't1', worker: 'w1', outcome: 'interrupted' },
    't1',
    'task t1 on worker w1 interrupted: its status node vanished while running',
  ],
  [
    { ...base, type: 'DataInvalid', path: 'workers/w1', reason: 'field pid: expected a number, got string' },
    'workers/w1',
    'invalid data at workers/w1: field pid: expected a number, got string',
  ],
  [
    { ...base, type: 'LockAcquired', lock: 'locks/nightly', node: 'lock-0000000002', owner: 'job-7', session: 'a2', waiters: 3 },
    'locks/nightly',
    'lock locks/nightly acquired by job-7 (lock-0000000002, session a2); 3 waiting',
  ],
  [
    { ...base, type: 'LockReleased', lock: 'locks/nightly', node: 'lock-0000000001', owner: null, heldMs: 61_250 },
    'locks/nightly',
    'lock locks/nightly released by unknown (lock-0000000001) after 61.3 s',
  ],
  [
    { ...base, type: 'ConfigChanged', key: 'config/db', version: 4, bytes: 120, digest: 'ab'.repeat(32), changedFields: ['pool', 'url'] },
    'config/db',
    'config config/db at version 4 (120 bytes, sha256 abababababab); fields changed: pool, url',
  ],
  [{ ...base, type: 'ConfigChanged', key: 'config/big', version: 1, bytes: 9_000_000, digest: null }, 'config/big', 'config config/big at version 1 (9000000 bytes, too large to digest)'],
  [{ ...base, type: 'ConfigChanged', key: 'config/db', version: -1, bytes: 0, digest: null }, 'config/db', 'config config/db deleted'],
];

for (const [event, subject, text] of cases) {
  test(`describe ${event.type}: ${text}`, (t) => {
    t.deepEqual(describeEvent(event), { subject, text });
  });
}

test('an event found by a resync says so', (t) => {
  const d = describeEvent({ ...base, type: 'WorkerLeft', worker: 'w1', reason: 'crash', afterBlind: true });
  t.is(d.text, 'worker w1 crashed: its node vanished without leaving (found by a resync after a blind period)');
  t.is(d.subject, 'w1');
});
