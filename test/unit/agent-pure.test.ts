/**
 * The agent's pure parts: argument checks, election order, the sidecar's lines and tasks, exit codes,
 * jitter, ACL ids, the outage messages.
 */
import test from 'ava';
import fc from 'fast-check';
import { checkName, checkProgress, checkRoot } from '../../agent/validate.ts';
import { orderCandidates, positionOf, sequenceOf } from '../../zk/election-order.ts';
import { parseProgressLine, parseSidecarLine, type SidecarLine } from '../../agent/progress-line.ts';
import { SidecarTasks, type SidecarAction } from '../../agent/sidecar-tasks.ts';
import { OutageTracker } from '../../agent/outage.ts';
import { describeSocketError, joinReasons, serversOf } from '../../agent/zk-reach.ts';
import { exitCodeOf } from '../../agent/exit-code.ts';
import { jitteredInterval } from '../../agent/heartbeat.ts';
import { digestId } from '../../zk/acl.ts';
import { PROBE_WARNING_PREFIX } from '../../zk/session.ts';

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

test('sidecar lines: DONE <task> [message] and FAILED <task> [message]; PROGRESS as before', (t) => {
  t.deepEqual(parseSidecarLine('PROGRESS t1 3/10 half'), { kind: 'progress', task: 't1', done: 3, total: 10, message: 'half' });
  t.deepEqual(parseSidecarLine('DONE t1'), { kind: 'done', task: 't1' });
  t.deepEqual(parseSidecarLine('DONE t1  all 10 pages '), { kind: 'done', task: 't1', message: 'all 10 pages' });
  t.deepEqual(parseSidecarLine('FAILED crawl-eu disk full'), { kind: 'failed', task: 'crawl-eu', message: 'disk full' });
  for (const other of ['DONE', 'FAILED ', 'done t1', ' DONE t1', 'DONEt1', 'FAILURE t1', 'hello']) t.is(parseSidecarLine(other), null, other);
});

/** Feed lines (strings) and an exit to a SidecarTasks; every action in order. */
function sidecar(lines: string[], exit?: [number, NodeJS.Signals | null]): SidecarAction[] {
  const tasks = new SidecarTasks();
  const out = lines.flatMap((l) => tasks.line(parseSidecarLine(l) as SidecarLine));
  return exit ? [...out, ...tasks.exit(...exit)] : out;
}

test('sidecar tasks: a task that reaches its total is done at once; the worker is busy while one runs', (t) => {
  t.deepEqual(sidecar(['PROGRESS t2 1/6', 'PROGRESS t2 6/6']), [
    { kind: 'progress', task: 't2', done: 1, total: 6 },
    { kind: 'worker', state: 'busy' },
    { kind: 'progress', task: 't2', done: 6, total: 6 },
    { kind: 'finish', task: 't2', state: 'done' },
    { kind: 'worker', state: 'ready' },
  ]);
  // two tasks: busy once, ready only when the last one ends; total 0 is "not known yet", not done
  t.deepEqual(sidecar(['PROGRESS a 0/0', 'PROGRESS b 1/2', 'DONE a', 'FAILED b bad input']), [
    { kind: 'progress', task: 'a', done: 0, total: 0 },
    { kind: 'worker', state: 'busy' },
    { kind: 'progress', task: 'b', done: 1, total: 2 },
    { kind: 'finish', task: 'a', state: 'done' },
    { kind: 'finish', task: 'b', state: 'failed', message: 'bad input' },
    { kind: 'worker', state: 'ready' },
  ]);
  // a DONE for a task never started finishes it without touching the worker state
  t.deepEqual(sidecar(['DONE x']), [{ kind: 'finish', task: 'x', state: 'done' }]);
});

test('sidecar tasks: on exit, running tasks are done (exit 0) or failed with the code or signal; finished ones stay', (t) => {
  t.deepEqual(sidecar(['PROGRESS a 3/10', 'PROGRESS b 10/10'], [0, null]).slice(-2), [
    { kind: 'finish', task: 'a', state: 'done' },
    { kind: 'worker', state: 'ready' },
  ]);
  t.deepEqual(sidecar(['PROGRESS a 3/10', 'PROGRESS b 4/10'], [3, null]).slice(-3), [
    { kind: 'finish', task: 'a', state: 'failed', message: 'command exited with code 3' },
    { kind: 'finish', task: 'b', state: 'failed', message: 'command exited with code 3' },
    { kind: 'worker', state: 'ready' },
  ]);
  t.deepEqual(sidecar(['PROGRESS a 3/10'], [143, 'SIGTERM']).slice(-2), [
    { kind: 'finish', task: 'a', state: 'failed', message: 'command killed by SIGTERM' },
    { kind: 'worker', state: 'ready' },
  ]);
  t.deepEqual(sidecar(['PROGRESS a 3/10', 'FAILED a'], [0, null]).slice(-1), [{ kind: 'worker', state: 'ready' }]);
  t.deepEqual(sidecar([], [1, null]), []);
});

test('sidecar tasks: a bad task name or count throws and changes nothing', (t) => {
  const tasks = new SidecarTasks();
  t.throws(() => tasks.line({ kind: 'progress', task: '..', done: 1, total: 2 }), { name: 'AgentArgumentError' });
  t.throws(() => tasks.line({ kind: 'done', task: 'a\u0001' }), { name: 'AgentArgumentError' });
  t.deepEqual(tasks.runningTasks, []);
  t.deepEqual(tasks.exit(1, null), []);
});

const outageContext = { connectString: '127.0.0.1:21810', id: 'w1', sessionTimeoutMs: 10_000, graceMs: 3333 };

test('outage at start: said once, with address, reason and registration, when the TCP check fails; then "registered"', (t) => {
  const o = new OutageTracker(outageContext);
  const seq = o.begin('start', 1000);
  t.is(o.begin('start', 1100), seq); // the same outage
  o.warning(`${PROBE_WARNING_PREFIX}exists /: no answer within 3333 ms`);
  t.is(o.diagnosed(seq, 'connection refused', true), 'cannot reach ZooKeeper at 127.0.0.1:21810 (connection refused); worker w1 is not registered; retrying');
  t.is(o.due(seq, true), null); // once per outage, not once per probe
  t.is(o.closing(true), null);
  t.is(o.connected(13_500, true), 'reached ZooKeeper at 127.0.0.1:21810 after 12.5 s; worker w1 is registered');
  t.is(o.current, null);
  // stale answers of an outage that is over say nothing
  t.is(o.diagnosed(seq, 'connection refused', true), null);
  t.is(o.due(seq, true), null);
});

test('outage: a port that accepts connections is said after the grace; a short blip is not said at all', (t) => {
  const o = new OutageTracker(outageContext);
  const seq = o.begin('start', 0);
  t.is(o.diagnosed(seq, null, true), null);
  t.is(o.due(seq, true), 'cannot reach ZooKeeper at 127.0.0.1:21810 (the port accepts connections but ZooKeeper did not answer within 3333 ms); worker w1 is not registered; retrying');
  o.connected(4000, true);
  const blip = o.begin('disconnected', 5000);
  t.is(o.diagnosed(blip, null, true), null);
  t.is(o.connected(5100, true), null);
  const auth = o.begin('start', 6000);
  o.warning('zookeeper authentication failed; retrying');
  t.regex(o.due(auth, false)!, /^cannot reach ZooKeeper at 127\.0\.0\.1:21810 \(authentication failed\); retrying$/);
});

test('outage after a disconnect: the worker stays registered unless the session expires; an expiry is always told', (t) => {
  const o = new OutageTracker(outageContext);
  const seq = o.begin('disconnected', 0);
  t.is(o.diagnosed(seq, 'connection refused', true), 'cannot reach ZooKeeper at 127.0.0.1:21810 (connection refused); worker w1 stays registered unless its session expires (10000 ms without a connection); retrying');
  o.expired(11_000);
  t.is(o.connected(12_000, true), 'reached ZooKeeper at 127.0.0.1:21810 again after 12.0 s; worker w1 is registered on a new session (the old one expired)');
  // an expiry found on a quick reconnect was never announced, but is told
  o.expired(20_000);
  t.is(o.connected(20_050, true), 'reached ZooKeeper at 127.0.0.1:21810 again after 0.1 s; worker w1 is registered on a new session (the old one expired)');
});

test('outage when leaving before it was said: one last line without "retrying"', (t) => {
  const o = new OutageTracker(outageContext);
  const seq = o.begin('start', 0);
  o.diagnosed(seq, 'connection refused', true, false);
  t.is(o.closing(true), 'cannot reach ZooKeeper at 127.0.0.1:21810 (connection refused); worker w1 was not registered');
  t.is(o.closing(true), null);
});

test('reachability words: servers of a connect string, socket errors, joined reasons', (t) => {
  t.deepEqual(serversOf('a:1, b ,[::1]:3/chroot/x'), [{ host: 'a', port: 1 }, { host: 'b', port: 2181 }, { host: '::1', port: 3 }]);
  t.is(describeSocketError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), 'connection refused');
  t.is(describeSocketError(Object.assign(new Error('x'), { code: 'ENOTFOUND' })), 'unknown host');
  t.is(describeSocketError(Object.assign(new Error('x'), { code: 'EWEIRD' })), 'EWEIRD');
  const a = { host: 'a', port: 1 };
  const b = { host: 'b', port: 2 };
  t.is(joinReasons([{ server: a, reason: 'connection refused' }, { server: b, reason: 'connection refused' }]), 'connection refused');
  t.is(joinReasons([{ server: a, reason: 'connection refused' }, { server: b, reason: 'unknown host' }]), 'a:1 connection refused, b:2 unknown host');
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
