/** The agent's pure parts: argument checks, election order, progress lines, exit codes, jitter, ACL ids. */
import test from 'ava';
import fc from 'fast-check';
import { checkName, checkProgress, checkRoot } from '../../agent/validate.ts';
import { orderCandidates, positionOf, sequenceOf } from '../../agent/election-order.ts';
import { parseProgressLine } from '../../agent/progress-line.ts';
import { exitCodeOf } from '../../agent/exit-code.ts';
import { jitteredInterval } from '../../agent/heartbeat.ts';
import { digestId } from '../../agent/acl.ts';

test('names: ids and tasks with a slash, empty, dot names or control characters are refused', (t) => {
  t.is(checkName('id', 'worker-1.a_b'), 'worker-1.a_b');
  for (const bad of ['', 'a/b', '.', '..', 'a\u0000b', 'tab\there', 'x'.repeat(201)]) t.throws(() => checkName('id', bad), { name: 'AgentArgumentError' });
  t.throws(() => checkName('id', 42), { message: /id: expected a string, got number/ });
});

test('roots: absolute, a trailing slash dropped, "/" and relative paths refused', (t) => {
  t.is(checkRoot('/apps/crawler/'), '/apps/crawler');
  for (const bad of ['/', 'apps', '', '/a//b', '/a/../b']) t.throws(() => checkRoot(bad), { name: 'AgentArgumentError' });
});

test('progress counts: finite and >= 0; done > total and total 0 allowed', (t) => {
  t.deepEqual(checkProgress(12, 10), { done: 12, total: 10 });
  t.deepEqual(checkProgress(0, 0), { done: 0, total: 0 });
  for (const [d, n] of [[-1, 10], [1, -1], [Number.NaN, 1], [1, Infinity], ['3', 10]] as const) t.throws(() => checkProgress(d, n));
});

test('election order: by sequence number, lowest leads, each follower watches just its predecessor', (t) => {
  const kids = ['n_0000000012', 'n_0000000003', 'junk', 'n_0000000007'];
  t.deepEqual(orderCandidates(kids), ['n_0000000003', 'n_0000000007', 'n_0000000012']);
  t.deepEqual(positionOf(kids, 'n_0000000003'), { kind: 'leader' });
  t.deepEqual(positionOf(kids, 'n_0000000012'), { kind: 'follower', watch: 'n_0000000007' });
  t.deepEqual(positionOf(kids, 'n_0000000099'), { kind: 'absent' });
  t.is(sequenceOf('junk'), null);
});

test('election order: every candidate watches a different predecessor (no herd), exactly one leads', (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 9_999_999 }), { minLength: 1, maxLength: 30 }), (seqs) => {
      const kids = seqs.map((n) => `n_${String(n).padStart(10, '0')}`);
      const positions = kids.map((k) => positionOf(kids, k));
      const watched = positions.flatMap((p) => (p.kind === 'follower' ? [p.watch] : []));
      return positions.filter((p) => p.kind === 'leader').length === 1 && new Set(watched).size === watched.length && watched.length === kids.length - 1;
    }),
  );
  t.pass();
});

test('progress lines: PROGRESS <task> <done>/<total> [message]; anything else is output', (t) => {
  t.deepEqual(parseProgressLine('PROGRESS t1 3/10'), { task: 't1', done: 3, total: 10 });
  t.deepEqual(parseProgressLine('PROGRESS crawl-eu 2.5/7 fetching page 3 '), { task: 'crawl-eu', done: 2.5, total: 7, message: 'fetching page 3' });
  for (const other of ['progress t1 3/10', 'PROGRESS t1 3', 'PROGRESS t1 -3/10', ' PROGRESS t1 3/10', 'PROGRESS 3/10', 'hello']) t.is(parseProgressLine(other), null, other);
});

test('exit codes: the child\'s code, or 128 + signal number', (t) => {
  t.is(exitCodeOf(7, null), 7);
  t.is(exitCodeOf(0, null), 0);
  t.is(exitCodeOf(null, 'SIGTERM'), 143);
  t.is(exitCodeOf(null, 'SIGKILL'), 137);
  t.is(exitCodeOf(null, 'SIGINT'), 130);
});

test('heartbeat jitter stays within ±jitter of the period', (t) => {
  t.is(jitteredInterval(1000, 0.1, 0.5), 1000);
  t.is(jitteredInterval(1000, 0.1, 0), 900);
  t.is(jitteredInterval(1000, 0.1, 0.999999), 1100);
  fc.assert(fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (r) => {
    const ms = jitteredInterval(2000, 0.1, r);
    return ms >= 1800 && ms <= 2200;
  }));
});

test('digest id as ZooKeeper computes it: user:base64(sha1("user:password"))', (t) => {
  // the value from ZooKeeper's own docs/tests for super:test
  t.is(digestId('super:test'), 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=');
});
