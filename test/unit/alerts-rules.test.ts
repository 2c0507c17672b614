import test from 'ava';
import { DEFAULT_RULES, type RuleConfigs } from '../../alerts/config.ts';
import { fingerprint } from '../../alerts/fingerprint.ts';
import { collectorDisconnected, phi, ZK_RULES, type ZkRule, type ZkRuleName } from '../../alerts/rules/index.ts';
import { Map as IMap } from 'immutable';
import { emptyEngineState, restoreEngineState, serializeEngineState } from '../../alerts/engine/index.ts';
import { healthyCluster, TestCluster } from '../support/alerts-fixtures.ts';

const T0 = 1_000_000;

function run<N extends ZkRuleName>(name: N, c: TestCluster, now: number, overrides: Partial<RuleConfigs[N]> = {}) {
  const rule = ZK_RULES[name] as unknown as ZkRule<N>;
  return rule({ model: c.model, config: { ...DEFAULT_RULES[name], ...overrides }, memory: c.memory, now });
}

test('fingerprint: stable over label order, different for different labels, 16 hex', (t) => {
  const a = fingerprint({ alertname: 'WorkerLost', cluster: 'c', worker: 'w1' });
  t.is(a, fingerprint({ worker: 'w1', cluster: 'c', alertname: 'WorkerLost' }));
  t.regex(a, /^[0-9a-f]{16}$/);
  t.not(a, fingerprint({ alertname: 'WorkerLost', cluster: 'c', worker: 'w2' }));
  // framing: moving characters between name and value changes the hash
  t.not(fingerprint({ ab: 'c' }), fingerprint({ a: 'bc' }));
  t.not(fingerprint({ a: 'b', c: 'd' }), fingerprint({ a: 'b\xffc', '': 'd' }));
});

test('MasterMissing: fires without R/master, not with one; labels and annotations', (t) => {
  const c = healthyCluster(T0);
  t.deepEqual(run('MasterMissing', c, T0), []);
  c.masterGone(T0 + 1);
  const [cond, ...rest] = run('MasterMissing', c, T0 + 2);
  t.is(rest.length, 0);
  t.deepEqual(cond?.labels, { alertname: 'MasterMissing', cluster: 'crawler', severity: 'critical' });
  t.truthy(cond?.annotations.summary);
  t.truthy(cond?.annotations.description);
  t.is(run('MasterMissing', c, T0 + 2, { severity: 'info' })[0]?.labels.severity, 'info');
});

test('MasterMissing: a worker-only cluster never gets it; a candidate or a master seen once makes R/master expected', (t) => {
  const workersOnly = new TestCluster();
  workersOnly.worker('w1', T0);
  workersOnly.synced(T0);
  t.deepEqual(run('MasterMissing', workersOnly, T0 + 60_000), [], 'no master role: nothing to miss');
  t.is(run('MasterMissing', workersOnly, T0 + 60_000, { requireSeen: false }).length, 1, 'requireSeen: false expects R/master from the start');

  // an election under way without a winner: candidates but no master
  const electing = new TestCluster();
  electing.candidate(1, 'm1', T0, 1);
  electing.synced(T0);
  t.is(run('MasterMissing', electing, T0 + 1000)[0]?.annotations.candidates, '1');
  // the candidates gave up before any won: the cluster had a master role, it is still missing
  electing.node('removed', 'election/n_0000000001', null, T0 + 2000, { owner: '0000000000000001' });
  t.is(electing.model.candidates.size, 0);
  t.true(electing.memory.candidateSeen);
  t.is(run('MasterMissing', electing, T0 + 3000).length, 1);

  // a master seen once (no election nodes: a master that does not use R/election)
  const lone = new TestCluster();
  lone.master('m1', T0, 1);
  lone.synced(T0);
  t.deepEqual(run('MasterMissing', lone, T0 + 1000), []);
  lone.masterGone(T0 + 2000);
  t.is(run('MasterMissing', lone, T0 + 3000).length, 1);
});

test('MasterMissing: what was seen survives a restart of the collector (the persisted rule memory)', (t) => {
  const c = new TestCluster();
  c.candidate(1, 'm1', T0, 1);
  c.synced(T0);
  const stored = serializeEngineState({ ...emptyEngineState(), memory: IMap([['crawler', c.memory]]) });
  const restored = restoreEngineState(stored).memory.get('crawler');
  t.true(restored?.candidateSeen);
  // state written before the field existed reads as "no candidate seen"
  const old = JSON.parse(stored) as { memory: [string, Record<string, unknown>][] };
  delete old.memory[0]![1].candidateSeen;
  t.false(restoreEngineState(JSON.stringify(old)).memory.get('crawler')?.candidateSeen);
});

test('MasterFlapping: the first master is no change; 3 new epochs within 5 min fire, 2 do not, old ones age out', (t) => {
  const c = new TestCluster();
  c.master('m1', T0, 1);
  c.synced(T0);
  t.deepEqual(c.memory.masterChanges, []);
  c.masterGone(T0 + 1000);
  c.master('m2', T0 + 2000, 2);
  c.masterGone(T0 + 3000);
  c.master('m1', T0 + 4000, 3);
  t.is(c.memory.masterChanges.length, 2);
  t.deepEqual(run('MasterFlapping', c, T0 + 5000), []);
  c.masterGone(T0 + 60_000);
  c.master('m2', T0 + 61_000, 4);
  t.is(run('MasterFlapping', c, T0 + 62_000).length, 1);
  // the first change (T0+2s) leaves the 5-minute window at T0+302s
  t.is(run('MasterFlapping', c, T0 + 301_999).length, 1);
  t.deepEqual(run('MasterFlapping', c, T0 + 302_000), []);
  t.is(run('MasterFlapping', c, T0 + 302_000, { changes: 2 }).length, 1);
});

test('MasterFlapping: the same master node seen again (same epoch) is not a change', (t) => {
  const c = new TestCluster();
  c.master('m1', T0, 1, '500');
  c.master('m2', T0 + 1000, 2, '600');
  c.master('m2', T0 + 2000, 2, '600');
  t.is(c.memory.masterChanges.length, 1);
});

test('WorkerLost: a crash fires with its orphaned tasks; leaving on purpose does not', (t) => {
  const c = healthyCluster(T0, 3);
  c.task('t1', T0);
  c.task('t2', T0);
  c.task('t3', T0);
  c.assign('w1', 't1', T0);
  c.assign('w1', 't2', T0);
  c.assign('w2', 't3', T0);
  c.status('t2', 'w1', 5, T0);
  c.status('t2', 'w1', 100, T0, 'done');
  c.crash('w1', T0 + 10);
  c.leave('w3', T0 + 10);
  const conds = run('WorkerLost', c, T0 + 20);
  t.is(conds.length, 1);
  t.deepEqual(conds[0]?.labels, { alertname: 'WorkerLost', cluster: 'crawler', severity: 'critical', worker: 'w1' });
  // t2 is done: not orphaned
  t.is(conds[0]?.annotations.orphaned_tasks, 't1');
  t.is(conds[0]?.annotations.orphaned_count, '1');
});

test('WorkerLost: resolves when the worker comes back, or after resolveAfter', (t) => {
  const c = healthyCluster(T0, 2);
  c.crash('w1', T0 + 1000);
  c.crash('w2', T0 + 1000);
  t.is(run('WorkerLost', c, T0 + 1000 + 299_999).length, 2);
  t.deepEqual(run('WorkerLost', c, T0 + 1000 + 300_000), []);
  t.is(run('WorkerLost', c, T0 + 1000 + 300_000, { resolveAfter: 600_000 }).length, 2);
  c.worker('w1', T0 + 5000);
  t.deepEqual(run('WorkerLost', c, T0 + 6000).map((x) => x.labels.worker), ['w2']);
});

test('WorkersBelowMinimum: off by default, fires below min, not at min', (t) => {
  const c = healthyCluster(T0, 3);
  t.deepEqual(run('WorkersBelowMinimum', c, T0), []);
  t.deepEqual(run('WorkersBelowMinimum', c, T0, { min: 3 }), []);
  c.crash('w3', T0 + 1);
  const [cond] = run('WorkersBelowMinimum', c, T0 + 2, { min: 3 });
  t.is(cond?.annotations.workers_up, '2');
  t.is(cond?.labels.worker, undefined);
});

test('HeartbeatStale (age): stale past factor × advertised heartbeatMs, or × the default when not advertised', (t) => {
  const c = healthyCluster(T0, 1);
  c.worker('quiet', T0, { heartbeatMs: null });
  // w1 advertises 1000 ms → stale beyond 3000 ms; quiet uses the default 5000 → beyond 15000 ms
  t.deepEqual(run('HeartbeatStale', c, T0 + 3000), []);
  t.deepEqual(run('HeartbeatStale', c, T0 + 3001).map((x) => x.labels.worker), ['w1']);
  t.deepEqual(run('HeartbeatStale', c, T0 + 15_001).map((x) => x.labels.worker), ['w1', 'quiet']);
  t.deepEqual(run('HeartbeatStale', c, T0 + 3001, { defaultHeartbeat: 500 }).map((x) => x.labels.worker), ['w1', 'quiet']);
  c.beat('w1', T0 + 3000);
  t.deepEqual(run('HeartbeatStale', c, T0 + 3001), []);
  // a worker that is down is not stale (it is lost)
  c.crash('w1', T0 + 3002);
  t.deepEqual(run('HeartbeatStale', c, T0 + 60_000).map((x) => x.labels.worker), ['quiet']);
});

test('HeartbeatStale (phi): uses the observed intervals once there are enough of them', (t) => {
  const c = healthyCluster(T0, 1);
  for (let i = 1; i <= 3; i += 1) c.beat('w1', T0 + i * 1000);
  const last = T0 + 3000;
  const phiCfg = { mode: 'phi' as const, phiThreshold: 8, phiMinSamples: 5 };
  // 3 intervals < 5 samples: the age test decides
  t.deepEqual(run('HeartbeatStale', c, last + 3001, phiCfg).map((x) => x.annotations.mode), ['age']);
  for (let i = 4; i <= 10; i += 1) c.beat('w1', T0 + i * 1000);
  const now = T0 + 10_000;
  t.deepEqual(run('HeartbeatStale', c, now + 1500, phiCfg), []);
  const late = run('HeartbeatStale', c, now + 5000, phiCfg);
  t.deepEqual(late.map((x) => x.annotations.mode), ['phi']);
});

test('HeartbeatStale memory: a beat found by a resync adds no interval', (t) => {
  const c = healthyCluster(T0, 1);
  c.beat('w1', T0 + 1000);
  t.deepEqual(c.memory.beats.get('w1')?.intervals, [1000]);
  c.connection('disconnected', T0 + 1500);
  c.beat('w1', T0 + 30_000);
  t.deepEqual(c.memory.beats.get('w1')?.intervals, [1000]);
  t.is(c.memory.beats.get('w1')?.last, T0 + 30_000);
});

test('phi: small at the mean, grows with the gap, finite for huge gaps, 0 without data', (t) => {
  const regular = Array.from({ length: 10 }, () => 1000);
  t.is(phi(5000, []), 0);
  t.true(phi(500, regular) < 0.5);
  t.true(phi(1000, regular) < 1);
  t.true(phi(2000, regular) < phi(3000, regular));
  t.true(phi(3000, regular) > 8);
  const huge = phi(10_000_000, regular);
  t.true(Number.isFinite(huge) && huge > 1000);
  // jittery beats make the same gap less suspicious
  const jittery = [500, 1500, 700, 1300, 1000, 400, 1600];
  t.true(phi(2500, jittery) < phi(2500, regular));
});

test('ProgressStalled: done unchanged for 5 min while the worker is up; moving progress or a down worker does not fire', (t) => {
  const c = healthyCluster(T0, 2);
  c.task('t1', T0);
  c.assign('w1', 't1', T0);
  c.status('t1', 'w1', 10, T0);
  c.status('t1', 'w1', 10, T0 + 100_000); // rewritten, same done: no progress
  t.deepEqual(run('ProgressStalled', c, T0 + 299_999), []);
  const [cond] = run('ProgressStalled', c, T0 + 300_000);
  t.deepEqual(cond?.labels, { alertname: 'ProgressStalled', cluster: 'crawler', severity: 'warning', worker: 'w1', task: 't1' });
  t.is(cond?.annotations.done, '10');
  c.status('t1', 'w1', 11, T0 + 300_001);
  t.deepEqual(run('ProgressStalled', c, T0 + 400_000), []);
  t.is(run('ProgressStalled', c, T0 + 600_001).length, 1);
  c.crash('w1', T0 + 600_002);
  t.deepEqual(run('ProgressStalled', c, T0 + 700_000), []);
});

test('ProgressStalled: a finished task is not stalled', (t) => {
  const c = healthyCluster(T0, 1);
  c.task('t1', T0);
  c.assign('w1', 't1', T0);
  c.status('t1', 'w1', 100, T0, 'done');
  t.deepEqual(run('ProgressStalled', c, T0 + 3_600_000), []);
});

test('TaskOrphaned: assigned to a gone worker and not reassigned; reassignment or finish clears it', (t) => {
  const c = healthyCluster(T0, 2);
  c.task('t1', T0);
  c.task('t2', T0);
  c.assign('w1', 't1', T0);
  c.assign('w1', 't2', T0);
  c.status('t2', 'w1', 100, T0, 'done');
  t.deepEqual(run('TaskOrphaned', c, T0), []);
  c.crash('w1', T0 + 1);
  const conds = run('TaskOrphaned', c, T0 + 2);
  t.deepEqual(conds.map((x) => [x.labels.task, x.labels.worker]), [['t1', 'w1']]);
  c.assign('w2', 't1', T0 + 3);
  t.deepEqual(run('TaskOrphaned', c, T0 + 4), []);
  c.assign('ghost', 't3', T0 + 5);
  t.deepEqual(run('TaskOrphaned', c, T0 + 6).map((x) => x.labels.task), ['t3']);
});

test('SplitBrain: compares the session of R/master with the lowest candidate’s, not the ids', (t) => {
  const c = new TestCluster();
  c.candidate(5, 'm1', T0, 1);
  c.candidate(7, 'm2', T0, 2);
  c.master('m1', T0, 1);
  t.deepEqual(run('SplitBrain', c, T0), []);
  // same id "m1" in the data, but written by session 2: split brain
  c.masterGone(T0 + 1);
  c.master('m1', T0 + 2, 2);
  const [cond] = run('SplitBrain', c, T0 + 3);
  t.is(cond?.annotations.master_session, '0000000000000002');
  t.is(cond?.annotations.leader_session, '0000000000000001');
  t.is(cond?.annotations.leader_node, 'n_0000000005');
});

test('SplitBrain: only judged when both R/master and candidates exist', (t) => {
  const c = new TestCluster();
  c.master('m1', T0, 3);
  t.deepEqual(run('SplitBrain', c, T0), []);
  const d = new TestCluster();
  d.candidate(1, 'm1', T0, 1);
  t.deepEqual(run('SplitBrain', d, T0), []);
});

test('CollectorDisconnected: one instance per cluster, active since the disconnection, marked as inhibiting', (t) => {
  const config = DEFAULT_RULES.CollectorDisconnected;
  t.deepEqual(collectorDisconnected({ cluster: 'a', connected: true, disconnectedSince: null, config, now: T0 }), []);
  const [cond] = collectorDisconnected({ cluster: 'a', connected: false, disconnectedSince: T0 - 4000, config, now: T0 });
  t.deepEqual(cond?.labels, { alertname: 'CollectorDisconnected', cluster: 'a', severity: 'critical' });
  t.is(cond?.activeSince, T0 - 4000);
  t.is(cond?.annotations.inhibits, 'cluster');
});
