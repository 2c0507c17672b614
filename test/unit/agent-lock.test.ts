/**
 * The lock recipe's pure parts: the queue order of contender nodes (by sequence number, never by name;
 * each waiter watches just its predecessor) and the `--lock` flags of `zkpulse agent`.
 */
import test from 'ava';
import { positionOf, sequenceOf } from '../../zk/election-order.ts';
import { parseAgentFlags } from '../../cli/agent.ts';
import { UsageError } from '../../cli/errors.ts';

const base = { zk: '127.0.0.1:2181', root: '/apps/a', id: 'cron1' };

test('lock queue: the lowest sequence holds, whatever the names sort as; foreign names and non-contenders are ordered by sequence or left out', (t) => {
  // by name "x-lock-0000000002" sorts last; the "-" before the digits is a separator, not a minus sign
  const children = ['lock-0000000010', 'x-lock-0000000002', 'lock-0000000009', 'leases', 'lock-'];
  t.deepEqual(positionOf(children, 'x-lock-0000000002'), { kind: 'leader' });
  t.deepEqual(positionOf(children, 'lock-0000000009'), { kind: 'follower', watch: 'x-lock-0000000002' });
  t.deepEqual(positionOf(children, 'lock-0000000010'), { kind: 'follower', watch: 'lock-0000000009' });
  t.deepEqual(positionOf(children, 'lock-0000000011'), { kind: 'absent' });
});

test('lock queue: every waiter watches a different node, its predecessor (no herd), and exactly one holds', (t) => {
  const seqs = [7, 3, 120, 45, 9, 1_000_000_001];
  const names = seqs.map((s) => `lock-${String(s).padStart(10, '0')}`);
  const positions = names.map((n) => positionOf(names, n));
  t.is(positions.filter((p) => p.kind === 'leader').length, 1);
  const watched = positions.flatMap((p) => (p.kind === 'follower' ? [p.watch] : []));
  t.is(new Set(watched).size, names.length - 1);
  const sorted = [...seqs].sort((a, b) => a - b).map((s) => `lock-${String(s).padStart(10, '0')}`);
  for (let i = 1; i < sorted.length; i++) t.deepEqual(positionOf(names, sorted[i]!), { kind: 'follower', watch: sorted[i - 1]! });
});

test('--lock flags: a lock name and a command; --lock-wait as a duration', (t) => {
  t.deepEqual(parseAgentFlags({ ...base, lock: 'nightly' }, ['./n.sh']).lock, { name: 'nightly' });
  t.deepEqual(parseAgentFlags({ ...base, lock: 'nightly', lockWait: '1m30s' }, ['./n.sh']).lock, { name: 'nightly', waitMs: 90_000 });
  t.deepEqual(parseAgentFlags({ ...base, lock: 'nightly', lockWait: '2500' }, ['./n.sh']).lock, { name: 'nightly', waitMs: 2500 });
  t.is(parseAgentFlags(base, ['./n.sh']).lock, undefined);
});

test('--lock flags: a bad name, no command, a bad --lock-wait or --lock-wait alone is one usage line naming the flag', (t) => {
  const bad = (flags: Record<string, string>, command: string[], message: RegExp) =>
    t.throws(() => parseAgentFlags({ ...base, ...flags }, command), { instanceOf: UsageError, message });
  bad({ lock: 'a/b' }, ['x'], /^--lock: lock name: must not contain '\/', got "a\/b"$/);
  bad({ lock: '..' }, ['x'], /^--lock: lock name: "\.\." is not a valid znode name$/);
  bad({ lock: '' }, ['x'], /^--lock: lock name: must not be empty$/);
  bad({ lock: 'nightly' }, [], /^--lock: needs the command to run while holding the lock, after --/);
  bad({ lock: 'nightly', lockWait: 'soon' }, ['x'], /^--lock-wait: expected a duration like "10s"/);
  bad({ lockWait: '10s' }, ['x'], /^--lock-wait: only with --lock NAME$/);
});

test('sequence numbers: the "-" of "lock-" is a separator, not a sign; a wrapped counter reads negative', (t) => {
  t.is(sequenceOf('lock-0000000005'), 5);
  t.is(sequenceOf('_c_3f0c5a4e-9d1b-lock-0000000042'), 42);
  t.is(sequenceOf('n_0000000012'), 12);
  t.is(sequenceOf('lock--000000001'), -1);
  t.is(sequenceOf('lock--2147483648'), -2147483648);
  t.is(sequenceOf('n_-1000000000'), -1000000000);
  t.is(sequenceOf('lock-'), null);
  t.is(sequenceOf('lock-12345'), null);
});
