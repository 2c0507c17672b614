import test from 'ava';
import { parseAlertsConfig } from '../../alerts/config.ts';
import { restoreEngineState, serializeEngineState } from '../../alerts/engine/index.ts';
import { evaluate } from '../../alerts/engine/state-machine.ts';
import { DEFAULT_INHIBIT_RULES } from '../../alerts/notify/config.ts';
import { inhibitedBy } from '../../alerts/notify/inhibit.ts';
import { brief, Harness, healthyCluster, only, TestCluster } from '../support/alerts-fixtures.ts';

const T0 = 1_000_000;

test('pending → firing once `for` has elapsed; startsAt is the firing time', (t) => {
  const c = healthyCluster(T0, 0);
  const h = new Harness([c]);
  t.deepEqual(h.eval(T0), []);
  c.masterGone(T0 + 500);
  t.deepEqual(brief(h.eval(T0 + 1000)), ['MasterMissing/pending']);
  t.deepEqual(brief(h.eval(T0 + 10_999)), ['MasterMissing/pending']);
  const [a] = h.eval(T0 + 11_000);
  t.is(a?.state, 'firing');
  t.is(a?.activeAt, T0 + 1000);
  t.is(a?.startsAt, T0 + 11_000);
  t.is(a?.endsAt, null);
  t.deepEqual(
    h.transitions.map((x) => [x.from, x.to, x.at]),
    [
      ['inactive', 'pending', T0 + 1000],
      ['pending', 'firing', T0 + 11_000],
    ],
  );
});

test('for 0 fires at the first evaluation that sees the condition', (t) => {
  const c = healthyCluster(T0, 1);
  const h = new Harness([c]);
  c.crash('w1', T0 + 100);
  t.deepEqual(brief(h.eval(T0 + 1000)), ['WorkerLost/firing/w1']);
  t.deepEqual(h.transitions.map((x) => x.to), ['pending', 'firing']);
});

test('a condition that flaps within `for` never fires', (t) => {
  const c = healthyCluster(T0, 0);
  const h = new Harness([c]);
  for (let i = 0; i < 6; i += 1) {
    const base = T0 + i * 8000;
    c.masterGone(base + 1);
    h.eval(base + 1000);
    c.master('m1', base + 5000, 1);
    h.eval(base + 6000);
  }
  h.eval(T0 + 100_000);
  const missing = h.transitions.filter((x) => x.labels.alertname === 'MasterMissing');
  t.false(missing.some((x) => x.to === 'firing' || x.to === 'resolved'));
  t.is(missing.filter((x) => x.from === 'pending' && x.to === 'inactive').length, 6);
  // (six new masters in 48 s is flapping, though)
  t.deepEqual(brief(h.last?.alerts ?? []), ['MasterFlapping/firing']);
});

test('keepFiringFor: a firing alert keeps firing that long after its condition stopped', (t) => {
  const c = healthyCluster(T0, 0);
  const h = new Harness([c], parseAlertsConfig({ defaults: { MasterMissing: { keepFiringFor: '30s' } } }));
  c.masterGone(T0);
  h.eval(T0);
  t.deepEqual(brief(h.eval(T0 + 10_000)), ['MasterMissing/firing']);
  c.master('m2', T0 + 15_000, 1);
  t.deepEqual(brief(h.eval(T0 + 16_000)), ['MasterMissing/firing']);
  t.deepEqual(brief(h.eval(T0 + 45_999)), ['MasterMissing/firing']);
  t.deepEqual(brief(h.eval(T0 + 46_000)), ['MasterMissing/resolved']);
});

test('keepFiringFor: the condition coming back resets the keep-firing clock', (t) => {
  const c = healthyCluster(T0, 0);
  const h = new Harness([c], parseAlertsConfig({ defaults: { MasterMissing: { keepFiringFor: 20_000, for: 0 } } }));
  c.masterGone(T0);
  h.eval(T0);
  c.master('m2', T0 + 1000, 1);
  h.eval(T0 + 2000); // keep firing since T0+2000
  c.masterGone(T0 + 3000);
  h.eval(T0 + 4000); // condition back: clock cleared
  c.master('m3', T0 + 5000, 1);
  h.eval(T0 + 6000); // keep firing since T0+6000
  t.deepEqual(brief(h.eval(T0 + 25_999)), ['MasterMissing/firing']);
  t.deepEqual(brief(h.eval(T0 + 26_000)), ['MasterMissing/resolved']);
  t.is(h.transitions.filter((x) => x.to === 'firing').length, 1);
});

test('a resolved alert is kept for resolvedRetention (15 min) with endsAt, then dropped', (t) => {
  const c = healthyCluster(T0, 0);
  const h = new Harness([c]);
  c.masterGone(T0);
  h.eval(T0);
  h.eval(T0 + 10_000);
  c.master('m2', T0 + 20_000, 1);
  const [r] = h.eval(T0 + 21_000);
  t.is(r?.state, 'resolved');
  t.is(r?.endsAt, T0 + 21_000);
  t.is(r?.startsAt, T0 + 10_000);
  t.deepEqual(brief(h.eval(T0 + 21_000 + 15 * 60_000 - 1)), ['MasterMissing/resolved']);
  t.deepEqual(h.eval(T0 + 21_000 + 15 * 60_000), []);
  t.deepEqual(h.transitions.at(-1)?.to, 'inactive');
  t.deepEqual(h.transitions.at(-1)?.from, 'resolved');
});

test('a resolved alert whose condition comes back starts over at pending (same fingerprint)', (t) => {
  const c = healthyCluster(T0, 0);
  const h = new Harness([c]);
  c.masterGone(T0);
  h.eval(T0);
  const [firing] = h.eval(T0 + 10_000);
  c.master('m2', T0 + 20_000, 1);
  h.eval(T0 + 21_000);
  c.masterGone(T0 + 22_000);
  const [again] = h.eval(T0 + 23_000);
  t.is(again?.state, 'pending');
  t.is(again?.fingerprint, firing?.fingerprint);
  t.is(again?.activeAt, T0 + 23_000);
  t.deepEqual(h.transitions.at(-1), { fingerprint: firing?.fingerprint ?? '', labels: firing?.labels ?? {}, from: 'resolved', to: 'pending', at: T0 + 23_000 });
});

test('restore from serialized state gives the same next evaluation', (t) => {
  const c = healthyCluster(T0, 3);
  const h = new Harness([c], parseAlertsConfig({ defaults: { HeartbeatStale: { mode: 'phi' } } }));
  c.task('t1', T0);
  c.assign('w2', 't1', T0);
  c.status('t1', 'w2', 3, T0);
  for (let i = 1; i <= 8; i += 1) {
    c.beat('w2', T0 + i * 1000);
    c.beat('w3', T0 + i * 1000);
  }
  c.masterGone(T0 + 1000);
  h.eval(T0 + 2000); // MasterMissing pending
  c.crash('w1', T0 + 3000);
  h.eval(T0 + 4000); // WorkerLost firing
  c.worker('w1', T0 + 5000);
  h.eval(T0 + 6000); // WorkerLost resolved
  t.deepEqual(brief(h.last?.alerts ?? []), ['MasterMissing/pending', 'WorkerLost/resolved/w1']);

  const text = serializeEngineState(h.state);
  const restored = restoreEngineState(text);
  t.is(serializeEngineState(restored), text);
  const input = { models: [c.model], connected: true, disconnectedSince: null, now: T0 + 400_000 };
  const a = evaluate(h.state, input, h.config);
  const b = evaluate(restored, input, h.config);
  t.deepEqual(b.alerts, a.alerts);
  t.deepEqual(b.transitions, a.transitions);
  t.is(serializeEngineState(b.state), serializeEngineState(a.state));
  // and the evaluation really did something: MasterMissing fired, HeartbeatStale and ProgressStalled are there
  t.deepEqual(brief(a.alerts).filter((x) => !x.startsWith('HeartbeatStale')), ['MasterMissing/firing', 'ProgressStalled/firing/t1', 'WorkerLost/resolved/w1']);
});

test('restoreEngineState rejects another version and garbage', (t) => {
  t.throws(() => restoreEngineState('{"version":99,"alerts":[],"memory":[]}'), { message: /version 99/ });
  t.throws(() => restoreEngineState('not json'), { message: /not JSON/ });
  t.throws(() => restoreEngineState('{"version":1,"alerts":[{"x":1}],"memory":[]}'), { message: /malformed alert/ });
});

test('after a collector restart: the restored firing alert is not fired again and a resolved notice is not lost', (t) => {
  const c = healthyCluster(T0, 2);
  const h = new Harness([c]);
  c.crash('w1', T0 + 1000);
  c.crash('w2', T0 + 1000);
  h.eval(T0 + 2000);
  c.worker('w2', T0 + 3000);
  h.eval(T0 + 4000);
  t.deepEqual(brief(h.last?.alerts ?? []).sort(), ['WorkerLost/firing/w1', 'WorkerLost/resolved/w2']);
  const saved = serializeEngineState(h.state);

  // a new collector: a fresh model that does not know w1 at all (its node is gone), not synced yet
  const fresh = new TestCluster();
  const h2 = new Harness([fresh]);
  h2.state = restoreEngineState(saved);
  t.deepEqual(brief(h2.eval(T0 + 60_000)).sort(), ['WorkerLost/firing/w1', 'WorkerLost/resolved/w2']);
  fresh.candidate(1, 'm1', T0 + 60_500, 1);
  fresh.master('m1', T0 + 60_500, 1);
  fresh.worker('w2', T0 + 60_500);
  fresh.synced(T0 + 60_500);
  t.deepEqual(brief(h2.eval(T0 + 61_000)).sort(), ['WorkerLost/firing/w1', 'WorkerLost/resolved/w2']);
  t.deepEqual(h2.transitions, []);
  // the crash memory survived the restart: it resolves resolveAfter (5 min) after the crash
  t.deepEqual(brief(only(h2.eval(T0 + 1000 + 300_000), 'WorkerLost')).sort(), ['WorkerLost/resolved/w1', 'WorkerLost/resolved/w2']);
});

test('blind: a 30 s disconnect with beats aging fires only CollectorDisconnected (after 10 s); after resync a worker really gone is lost once', (t) => {
  const c = healthyCluster(T0, 3);
  const h = new Harness([c]);
  const beatAll = (at: number) => ['w1', 'w2', 'w3'].forEach((w) => c.beat(w, at));
  for (let s = 1; s <= 5; s += 1) {
    beatAll(T0 + s * 1000);
    h.eval(T0 + s * 1000);
  }
  t.deepEqual(h.last?.alerts, []);
  h.disconnect(T0 + 5500);
  const seenWhileBlind = new Set<string>();
  for (let s = 6; s <= 35; s += 1) {
    for (const a of h.eval(T0 + s * 1000)) seenWhileBlind.add(`${a.labels.alertname}/${a.state}`);
    if (s === 15) t.deepEqual(brief(h.last?.alerts ?? []), ['CollectorDisconnected/pending']);
    if (s === 16) t.deepEqual(brief(h.last?.alerts ?? []), ['CollectorDisconnected/firing']);
  }
  t.deepEqual([...seenWhileBlind].sort(), ['CollectorDisconnected/firing', 'CollectorDisconnected/pending']);
  t.is(only(h.last?.alerts ?? [], 'CollectorDisconnected')[0]?.activeAt, T0 + 5500);

  // reconnected; the resync reports what changed meanwhile: w1 and w2 beat, w3's node is gone
  h.reconnect(T0 + 35_500);
  c.beat('w1', T0 + 35_000);
  c.beat('w2', T0 + 35_000);
  c.crash('w3', T0 + 35_600);
  // still resyncing (model blind): nothing judged yet, no WorkerLost
  t.deepEqual(brief(h.eval(T0 + 35_700)), ['CollectorDisconnected/resolved']);
  c.synced(T0 + 35_800);
  const after = h.eval(T0 + 36_000);
  t.deepEqual(brief(after), ['CollectorDisconnected/resolved', 'WorkerLost/firing/w3']);
  for (let s = 37; s <= 60; s += 1) {
    c.beat('w1', T0 + s * 1000);
    c.beat('w2', T0 + s * 1000);
    h.eval(T0 + s * 1000);
  }
  const lost = h.transitions.filter((x) => x.labels.alertname === 'WorkerLost');
  t.deepEqual(lost.map((x) => [x.labels.worker, x.to]), [
    ['w3', 'pending'],
    ['w3', 'firing'],
  ]);
  t.false(h.transitions.some((x) => x.labels.alertname === 'HeartbeatStale'));
});

test('blind: an instance pending before the disconnect stays pending, however long the blindness lasts', (t) => {
  const c = healthyCluster(T0);
  const h = new Harness([c]);
  c.masterGone(T0);
  t.deepEqual(brief(h.eval(T0 + 1000)), ['MasterMissing/pending']);
  h.disconnect(T0 + 2000);
  for (let s = 3; s <= 60; s += 1) h.eval(T0 + s * 1000);
  t.deepEqual(only(h.last?.alerts ?? [], 'MasterMissing').map((a) => a.state), ['pending']);
  // firing ones stay firing too, even if the master came back during the blindness (seen only after the resync)
  h.reconnect(T0 + 61_000);
  c.master('m1', T0 + 61_100, 1);
  t.deepEqual(brief(h.eval(T0 + 61_200)).filter((x) => x.startsWith('Master')), ['MasterMissing/pending']);
  c.synced(T0 + 61_300);
  t.deepEqual(brief(h.eval(T0 + 62_000)).filter((x) => x.startsWith('Master')), []);
  t.false(h.transitions.some((x) => x.labels.alertname === 'MasterMissing' && x.to === 'firing'));
});

test('blind: a model never synced yet judges nothing but CollectorDisconnected', (t) => {
  const c = new TestCluster();
  // R/master required from the start, so that the empty cluster shows that judging resumes after the sync
  const h = new Harness([c], parseAlertsConfig({ defaults: { MasterMissing: { requireSeen: false } } }));
  h.connected = false;
  h.disconnectedSince = T0;
  t.deepEqual(brief(h.eval(T0 + 60_000)), ['CollectorDisconnected/firing']);
  h.connected = true;
  h.disconnectedSince = null;
  c.connection('connected', T0 + 60_500);
  t.deepEqual(brief(h.eval(T0 + 61_000)), ['CollectorDisconnected/resolved']);
  c.synced(T0 + 61_500); // an empty cluster: no master
  t.deepEqual(brief(h.eval(T0 + 62_000)), ['CollectorDisconnected/resolved', 'MasterMissing/pending']);
});

test('blindness is per cluster: a cluster still resyncing is frozen, the other is judged', (t) => {
  const a = healthyCluster(T0, 1, 'a');
  const b = healthyCluster(T0, 1, 'b');
  const h = new Harness([a, b]);
  h.disconnect(T0 + 1000);
  h.reconnect(T0 + 2000);
  a.masterGone(T0 + 2100);
  b.masterGone(T0 + 2100);
  b.synced(T0 + 2200);
  const alerts = h.eval(T0 + 3000);
  t.deepEqual(alerts.filter((x) => x.labels.alertname === 'MasterMissing').map((x) => x.labels.cluster), ['b']);
});

test('per-cluster settings and disabled rules', (t) => {
  const a = healthyCluster(T0, 2, 'a');
  const b = healthyCluster(T0, 2, 'b');
  const config = parseAlertsConfig(
    { defaults: { WorkerLost: { enabled: false } }, clusters: { a: { WorkersBelowMinimum: { min: 3, severity: 'critical' } }, b: { WorkerLost: { enabled: true } } } },
    ['a', 'b'],
  );
  a.crash('w1', T0 + 1);
  b.crash('w1', T0 + 1);
  const h = new Harness([a, b], config);
  const alerts = h.eval(T0 + 1000).filter((x) => x.labels.alertname !== 'TaskOrphaned');
  t.deepEqual(
    alerts.map((x) => [x.labels.alertname, x.labels.cluster, x.labels.severity, x.state]),
    [
      ['WorkerLost', 'b', 'critical', 'firing'],
      ['WorkersBelowMinimum', 'a', 'critical', 'firing'],
    ],
  );
  // disabling a rule resolves what it had fired
  const off = parseAlertsConfig({ defaults: { WorkerLost: { enabled: false } } });
  const r = evaluate(h.state, { models: [a.model, b.model], connected: true, disconnectedSince: null, now: T0 + 2000 }, off);
  t.deepEqual(r.transitions.filter((x) => x.labels.alertname === 'WorkerLost').map((x) => x.to), ['resolved']);
});

// The engine's own alerts under the notifier's default rule (alerts/notify/inhibit.ts is the one inhibitor).
test('inhibitedBy: a firing CollectorDisconnected inhibits the other alerts of its cluster only', (t) => {
  const a = healthyCluster(T0, 1, 'a');
  const b = healthyCluster(T0, 1, 'b');
  const h = new Harness([a, b]);
  a.crash('w1', T0 + 1);
  b.crash('w1', T0 + 1);
  h.eval(T0 + 1000);
  h.disconnect(T0 + 2000);
  const pending = h.eval(T0 + 3000);
  const lostA = pending.find((x) => x.labels.alertname === 'WorkerLost' && x.labels.cluster === 'a');
  t.truthy(lostA);
  if (!lostA) return;
  t.is(inhibitedBy(lostA, pending, DEFAULT_INHIBIT_RULES), null, 'a pending CollectorDisconnected inhibits nothing');
  const firing = h.eval(T0 + 12_000);
  const cdA = firing.find((x) => x.labels.alertname === 'CollectorDisconnected' && x.labels.cluster === 'a');
  const cdB = firing.find((x) => x.labels.alertname === 'CollectorDisconnected' && x.labels.cluster === 'b');
  const lostB = firing.find((x) => x.labels.alertname === 'WorkerLost' && x.labels.cluster === 'b');
  t.is(cdA?.state, 'firing');
  t.truthy(cdB);
  t.is(inhibitedBy(lostA, firing, DEFAULT_INHIBIT_RULES), cdA?.fingerprint ?? 'a firing CollectorDisconnected of a');
  t.true(lostB !== undefined && inhibitedBy(lostB, firing, DEFAULT_INHIBIT_RULES) === cdB?.fingerprint);
  t.true(cdA !== undefined && inhibitedBy(cdA, firing, DEFAULT_INHIBIT_RULES) === null, 'CollectorDisconnected is never inhibited');
  t.is(inhibitedBy(lostA, firing.filter((x) => x.labels.cluster !== 'a'), DEFAULT_INHIBIT_RULES), null, 'another cluster’s source does not inhibit');
});

test('blind: ages and stalls are not counted across the blind period; after the resync they restart from sight', (t) => {
  const c = healthyCluster(T0, 2);
  const h = new Harness([c]);
  c.task('t1', T0);
  c.assign('w1', 't1', T0);
  c.status('t1', 'w1', 3, T0);
  for (let s = 1; s <= 5; s += 1) {
    c.beat('w1', T0 + s * 1000);
    c.beat('w2', T0 + s * 1000);
    h.eval(T0 + s * 1000);
  }
  // ZooKeeper is gone for 10 minutes: nobody can beat or report progress, the collector sees nothing
  h.disconnect(T0 + 5500);
  for (let s = 6; s <= 605; s += 5) h.eval(T0 + s * 1000);
  h.reconnect(T0 + 605_500);
  c.synced(T0 + 605_600); // the resync finds every node as it was before the outage
  const back = T0 + 606_000;
  // the beats are 10 minutes old and t1 has not moved for 10 minutes, but that is the outage's doing
  t.deepEqual(brief(h.eval(back)).filter((a) => !a.startsWith('CollectorDisconnected')), []);
  // w1 beats again, w2 does not: only w2 turns stale, 3 × 1 s after sight came back
  for (let s = 1; s <= 4; s += 1) {
    c.beat('w1', back + s * 1000);
    h.eval(back + s * 1000);
  }
  t.deepEqual(brief(h.last?.alerts ?? []).filter((a) => a.startsWith('HeartbeatStale')), ['HeartbeatStale/firing/w2']);
  // t1 stays at 3: ProgressStalled only after its 5 min, counted from sight
  h.eval(back + 299_000);
  t.false((h.last?.alerts ?? []).some((a) => a.labels.alertname === 'ProgressStalled' && a.state === 'firing'));
  h.eval(back + 301_000);
  t.true((h.last?.alerts ?? []).some((a) => a.labels.alertname === 'ProgressStalled' && a.state === 'firing'));
});

test('beat intervals are remembered only for clusters whose HeartbeatStale runs in phi mode', (t) => {
  const beats = (config: Parameters<typeof parseAlertsConfig>[0]) => {
    const c = healthyCluster(T0, 2);
    const h = new Harness([c], parseAlertsConfig(config));
    for (let i = 1; i <= 5; i += 1) c.beat('w1', T0 + i * 1000);
    h.eval(T0 + 6000);
    return h.state.memory.get(c.model.name)?.beats.get('w1')?.intervals;
  };
  // the first beat came with the healthy cluster at T0: five intervals since
  t.deepEqual(beats({ defaults: { HeartbeatStale: { mode: 'phi' } } }), [1000, 1000, 1000, 1000, 1000]);
  t.is(beats({}), undefined, 'age mode (the default) reads no intervals: none kept');
  t.is(beats({ defaults: { HeartbeatStale: { mode: 'phi', enabled: false } } }), undefined);
});

test('the alerts stay ordered by alertname, cluster, fingerprint when an evaluation reuses the previous order', (t) => {
  // evaluate() reuses the previous evaluation's order when the set of fingerprints is the same; this walks
  // a set that stays, grows, and is swapped for another of the same size, each checked against a fresh sort
  const c = healthyCluster(T0, 4);
  const h = new Harness([c]);
  const sorted = (alerts: readonly { fingerprint: string; labels: { alertname?: string; cluster?: string } }[]) =>
    alerts
      .map((a) => [a.labels.alertname ?? '', a.labels.cluster ?? '', a.fingerprint].join('\u0000'))
      .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const keys = (alerts: readonly { fingerprint: string; labels: { alertname?: string; cluster?: string } }[]) =>
    alerts.map((a) => [a.labels.alertname ?? '', a.labels.cluster ?? '', a.fingerprint].join('\u0000'));
  c.crash('w3', T0 + 100);
  c.masterGone(T0 + 100);
  for (const now of [T0 + 1000, T0 + 2000, T0 + 3000]) {
    const alerts = h.eval(now);
    t.deepEqual(keys(alerts), sorted(alerts));
  }
  t.deepEqual(brief(h.eval(T0 + 4000)), ['MasterMissing/pending', 'WorkerLost/firing/w3']);
  c.crash('w1', T0 + 4100);
  const grown = h.eval(T0 + 5000);
  t.deepEqual(brief(grown), ['HeartbeatStale/firing/w2', 'HeartbeatStale/firing/w4', 'MasterMissing/pending', 'WorkerLost/firing/w3', 'WorkerLost/firing/w1']);
  t.deepEqual(keys(grown), sorted(grown));
  // (w2 and w4 never beat: HeartbeatStale) w1 and w3 resolve after resolveAfter (5 min), MasterMissing fires;
  // the resolved ones are dropped 15 min later
  const resolved = h.eval(T0 + 4100 + 5 * 60_000);
  t.deepEqual(brief(resolved), ['HeartbeatStale/firing/w2', 'HeartbeatStale/firing/w4', 'MasterMissing/firing', 'WorkerLost/resolved/w3', 'WorkerLost/resolved/w1']);
  t.deepEqual(keys(resolved), sorted(resolved));
  // the same evaluation drops the two resolved WorkerLost and sees two new crashes: same size, another set
  c.crash('w4', T0 + 20 * 60_000 + 5000);
  c.crash('w2', T0 + 20 * 60_000 + 5000);
  const swapped = h.eval(T0 + 20 * 60_000 + 6000);
  t.is(swapped.length, resolved.length);
  t.deepEqual(brief(swapped), ['HeartbeatStale/resolved/w2', 'HeartbeatStale/resolved/w4', 'MasterMissing/firing', 'WorkerLost/firing/w4', 'WorkerLost/firing/w2']);
  t.deepEqual(keys(swapped), sorted(swapped));
});

test('a condition that holds unchanged keeps its instance and the alerts map (same listing); a new beat makes a new condition', (t) => {
  const c = healthyCluster(T0, 2);
  const h = new Harness([c]);
  const beatW1Until = (end: number) => {
    for (let s = T0 + 1000; s <= end; s += 1000) c.beat('w1', s);
  };
  beatW1Until(T0 + 60_000);
  h.eval(T0 + 30_000);
  const firing = h.eval(T0 + 60_000);
  t.deepEqual(brief(firing), ['HeartbeatStale/firing/w2']);
  const map = h.state.alerts;
  // w1 beats on, w2 still not: nothing changes but the time
  const again = h.eval(T0 + 60_000);
  t.is(h.state.alerts, map);
  t.deepEqual(again, firing);
  t.not(again, firing, 'a new array each evaluation: callers may keep or change the one they got');
  const lastBeat = firing[0]?.annotations.last_beat;
  // w2 beats once: resolved; then stale again, with its new last beat in the text
  c.beat('w2', T0 + 61_000);
  beatW1Until(T0 + 120_000);
  t.deepEqual(brief(h.eval(T0 + 62_000)), ['HeartbeatStale/resolved/w2']);
  const stale = h.eval(T0 + 120_000).filter((a) => a.state !== 'resolved');
  t.deepEqual(brief(stale), ['HeartbeatStale/firing/w2']);
  t.not(stale[0]?.annotations.last_beat, lastBeat);
  t.is(stale[0]?.annotations.last_beat, new Date(T0 + 61_000).toISOString());
});
