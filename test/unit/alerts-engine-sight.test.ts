/**
 * Blind periods and the sight clock (issue 11, item 8), and a memory seeded from the model when the
 * engine starts late or regains sight (item 9): pure decisions of (state, event, time).
 */
import test from 'ava';
import { parseAlertsConfig } from '../../alerts/config.ts';
import { restoreEngineState, serializeEngineState, unwatched } from '../../alerts/engine/index.ts';
import type { AlertInstance } from '../../alerts/types.ts';
import { brief, Harness, healthyCluster, only, TestCluster } from '../support/alerts-fixtures.ts';

const T0 = 1_000_000;
/** HeartbeatStale after 3 × 1 s (the fixture's workers advertise 1 s), ProgressStalled after 10 s */
const CONFIG = parseAlertsConfig({ defaults: { ProgressStalled: { after: '10s' } } });
const STUCK = ['HeartbeatStale', 'ProgressStalled'];

const stuck = (alerts: readonly AlertInstance[]) => alerts.filter((a) => STUCK.includes(a.labels.alertname ?? ''));
const stuckTransitions = (h: Harness, since: number) =>
  h.transitions.filter((x) => x.at > since && STUCK.includes(x.labels.alertname ?? '')).map((x) => `${x.labels.alertname}:${x.from}>${x.to}@${x.at - T0}`);

/**
 * w1 beats every second and runs t1, stuck at 5 since T0; w2 stopped beating at T0 + 2 s. Evaluated
 * every second up to T0 + 20 s: HeartbeatStale/w2 and ProgressStalled/t1 are firing.
 */
function firingBoth(config = CONFIG) {
  const c = healthyCluster(T0, 2);
  const h = new Harness([c], config);
  c.task('t1', T0);
  c.assign('w1', 't1', T0);
  c.status('t1', 'w1', 5, T0);
  for (let s = 1; s <= 20; s += 1) {
    c.beat('w1', T0 + s * 1000);
    if (s <= 2) c.beat('w2', T0 + s * 1000);
    h.eval(T0 + s * 1000);
  }
  const before = stuck(h.last?.alerts ?? []);
  return { c, h, before };
}

/** The collector is blind from `from` to `to` (ZooKeeper stopped: nobody beats), then resyncs finding nothing changed. */
function blind(h: Harness, c: TestCluster, from: number, to: number) {
  h.disconnect(from);
  for (let t = from + 500; t < to; t += 1000) h.eval(t);
  h.reconnect(to);
  c.synced(to + 100);
}

test('a 1.5 s blind period with HeartbeatStale and ProgressStalled firing changes nothing: no resolve, no re-fire, same startsAt', (t) => {
  const { c, h, before } = firingBoth();
  t.deepEqual(brief(before), ['HeartbeatStale/firing/w2', 'ProgressStalled/firing/t1']);
  blind(h, c, T0 + 20_500, T0 + 22_000);
  for (let s = 23; s <= 60; s += 1) {
    c.beat('w1', T0 + s * 1000);
    h.eval(T0 + s * 1000);
  }
  t.deepEqual(stuckTransitions(h, T0 + 20_000), [], 'nothing about w2 or t1 changed');
  t.deepEqual(stuck(h.last?.alerts ?? []), before.map((a) => ({ ...a })), 'same instances, same startsAt and annotations');
  // what really changes still resolves them
  c.beat('w2', T0 + 60_500);
  c.status('t1', 'w1', 6, T0 + 60_500);
  h.eval(T0 + 61_000);
  t.deepEqual(stuckTransitions(h, T0 + 60_000), ['HeartbeatStale:firing>resolved@61000', 'ProgressStalled:firing>resolved@61000']);
});

test('kept through several blind periods in a row, with the clock they had before the first', (t) => {
  const { c, h, before } = firingBoth();
  const evalBeating = (at: number) => {
    c.beat('w1', at);
    h.eval(at);
  };
  blind(h, c, T0 + 20_500, T0 + 22_000);
  evalBeating(T0 + 23_000);
  blind(h, c, T0 + 23_500, T0 + 26_000);
  evalBeating(T0 + 27_000);
  blind(h, c, T0 + 27_200, T0 + 28_000);
  for (let s = 29; s <= 40; s += 1) evalBeating(T0 + s * 1000);
  t.deepEqual(stuckTransitions(h, T0 + 20_000), []);
  t.deepEqual(stuck(h.last?.alerts ?? []).map((a) => a.startsAt), before.map((a) => a.startsAt));
});

test('what changed during the blind period is judged afresh: a worker that beat again and a task that moved resolve', (t) => {
  const { c, h } = firingBoth();
  h.disconnect(T0 + 20_500);
  h.eval(T0 + 21_000);
  // a partition of the collector only: ZooKeeper is up, w2 beats again and t1 moves; the resync finds both
  h.reconnect(T0 + 22_000);
  c.beat('w2', T0 + 21_800);
  c.status('t1', 'w1', 7, T0 + 22_050);
  c.synced(T0 + 22_100);
  for (let s = 23; s <= 40; s += 1) {
    c.beat('w1', T0 + s * 1000);
    c.beat('w2', T0 + s * 1000);
    c.status('t1', 'w1', 7 + s, T0 + s * 1000);
    h.eval(T0 + s * 1000);
  }
  t.deepEqual(stuckTransitions(h, T0 + 20_000), ['HeartbeatStale:firing>resolved@23000', 'ProgressStalled:firing>resolved@23000']);
});

test('what was not firing when sight was lost does not fire for the time spent blind', (t) => {
  const c = healthyCluster(T0, 2);
  const h = new Harness([c], parseAlertsConfig({ defaults: { HeartbeatStale: { for: '2s' } } }));
  c.beat('w1', T0 + 1000);
  c.beat('w2', T0 + 1000);
  h.eval(T0 + 1000);
  // w2 stops beating; its age passes 3 s at T0 + 4 s: pending (for 2 s) when sight is lost
  for (let s = 2; s <= 5; s += 1) {
    c.beat('w1', T0 + s * 1000);
    h.eval(T0 + s * 1000);
  }
  t.deepEqual(brief(only(h.last?.alerts ?? [], 'HeartbeatStale')), ['HeartbeatStale/pending/w2']);
  blind(h, c, T0 + 5_500, T0 + 65_000);
  const evalBeating = (at: number) => {
    c.beat('w1', at);
    h.eval(at);
  };
  evalBeating(T0 + 66_000);
  // the minute spent blind is nobody's: w2 is judged from sight, stale again 3 s after it and firing 2 s later
  t.deepEqual(brief(only(h.last?.alerts ?? [], 'HeartbeatStale')), []);
  evalBeating(T0 + 69_500);
  t.deepEqual(brief(only(h.last?.alerts ?? [], 'HeartbeatStale')), ['HeartbeatStale/pending/w2']);
  evalBeating(T0 + 71_500);
  t.deepEqual(brief(only(h.last?.alerts ?? [], 'HeartbeatStale')), ['HeartbeatStale/firing/w2']);
});

test('phi mode: a firing HeartbeatStale is kept through a blind period too', (t) => {
  const c = healthyCluster(T0, 1);
  const h = new Harness([c], parseAlertsConfig({ defaults: { HeartbeatStale: { mode: 'phi' } } }));
  for (let s = 1; s <= 10; s += 1) {
    c.beat('w1', T0 + s * 1000);
    h.eval(T0 + s * 1000);
  }
  for (let s = 11; s <= 20; s += 1) h.eval(T0 + s * 1000);
  const [before] = only(h.last?.alerts ?? [], 'HeartbeatStale');
  t.is(before?.state, 'firing');
  t.is(before?.annotations.mode, 'phi');
  blind(h, c, T0 + 20_500, T0 + 22_000);
  for (let s = 23; s <= 30; s += 1) h.eval(T0 + s * 1000);
  t.deepEqual(stuckTransitions(h, T0 + 20_000), []);
});

test('a collector restart: what was firing stays firing when the fresh model finds it unchanged, and resolves when it changed', (t) => {
  const { h } = firingBoth();
  const saved = serializeEngineState(h.state);
  const restart = (progressDone: number) => {
    // a new collector 40 s later: a fresh model, synced before the engine starts (state load took a while)
    const fresh = new TestCluster();
    fresh.candidate(1, 'm1', T0 + 60_000, 1);
    fresh.master('m1', T0 + 60_000, 1);
    fresh.worker('w1', T0 + 60_000);
    fresh.worker('w2', T0 + 2000); // its node was last written at its last beat
    fresh.task('t1', T0 + 60_000);
    fresh.assign('w1', 't1', T0 + 60_000);
    fresh.status('t1', 'w1', progressDone, T0 + 60_000);
    fresh.synced(T0 + 60_000);
    const h2 = new Harness([fresh], CONFIG, { startedLate: true });
    h2.state = unwatched(restoreEngineState(saved));
    // up to 9 s after: a task that moved is not stalled again yet (after 10 s)
    for (let s = 61; s <= 69; s += 1) {
      fresh.beat('w1', T0 + s * 1000);
      h2.eval(T0 + s * 1000);
    }
    return h2;
  };
  t.deepEqual(stuckTransitions(restart(5), T0), [], 'w2 still silent, t1 still at 5: nothing to say');
  t.deepEqual(stuckTransitions(restart(9), T0), ['ProgressStalled:firing>resolved@61000'], 't1 moved while the collector was down');
});

test('engine started after the first sync: the master seen then is the last epoch, so the next change counts', (t) => {
  const c = healthyCluster(T0, 0);
  const h = new Harness([c], parseAlertsConfig({ defaults: { MasterFlapping: { changes: 3, window: '1m' } } }), { startedLate: true });
  h.eval(T0 + 1000);
  t.is(h.state.memory.get('crawler')?.lastEpoch, c.model.master?.epoch);
  for (const [i, id] of ['m2', 'm3', 'm4'].entries()) {
    const at = T0 + 2000 + i * 2000;
    c.masterGone(at);
    c.master(id, at + 100, 10 + i);
    h.eval(at + 1000);
  }
  const [flapping] = only(h.last?.alerts ?? [], 'MasterFlapping');
  t.is(flapping?.state, 'firing');
  t.regex(flapping?.annotations.description ?? '', /^3 master changes/);
});

test('engine started after the first sync: a crash before it started is WorkerLost, from the crash time; an old one is not', (t) => {
  const c = healthyCluster(T0, 3);
  c.crash('w1', T0 + 1000);
  c.crash('w3', T0 - 400_000); // before the engine's window: longer ago than resolveAfter (5 min)
  const h = new Harness([c], undefined, { startedLate: true });
  const [lost, ...others] = only(h.eval(T0 + 2000), 'WorkerLost');
  t.is(lost?.labels.worker, 'w1');
  t.is(lost?.state, 'firing');
  t.is(lost?.annotations.left_at, new Date(T0 + 1000).toISOString());
  t.deepEqual(others, []);
  t.deepEqual(brief(only(h.eval(T0 + 1000 + 300_000), 'WorkerLost')), ['WorkerLost/resolved/w1'], 'resolveAfter counts from the crash');
});

test('restart: progress that moved while the collector was down restarts the stall clock; a master changed meanwhile is one change', (t) => {
  const c = healthyCluster(T0, 1);
  const h = new Harness([c]);
  c.task('t1', T0);
  c.assign('w1', 't1', T0);
  c.status('t1', 'w1', 3, T0);
  h.eval(T0 + 1000);
  const saved = serializeEngineState(h.state);

  const fresh = new TestCluster();
  fresh.candidate(1, 'm2', T0 + 200_000, 2);
  fresh.master('m2', T0 + 200_000, 2);
  fresh.worker('w1', T0 + 200_000);
  fresh.task('t1', T0 + 200_000);
  fresh.assign('w1', 't1', T0 + 200_000);
  fresh.status('t1', 'w1', 40, T0 + 200_000);
  fresh.synced(T0 + 200_000);
  const h2 = new Harness([fresh], undefined, { startedLate: true });
  h2.state = unwatched(restoreEngineState(saved));
  h2.eval(T0 + 201_000);
  const mem = h2.state.memory.get('crawler');
  t.deepEqual(mem?.progress.get('t1'), { done: 40, since: T0 + 201_000 });
  t.is(mem?.lastEpoch, fresh.model.master?.epoch);
  t.deepEqual(mem?.masterChanges, [T0 + 201_000]);
  // 5 min after t1 last sat at 3, it has moved: no stall (it is judged from its new done)
  for (let s = 202; s <= 400; s += 1) {
    fresh.beat('w1', T0 + s * 1000);
    if (s % 10 === 0) h2.eval(T0 + s * 1000);
  }
  t.deepEqual(only(h2.last?.alerts ?? [], 'ProgressStalled'), []);
});

test('phi mode, restart: the first beat after it records no interval spanning the downtime', (t) => {
  const config = parseAlertsConfig({ defaults: { HeartbeatStale: { mode: 'phi' } } });
  const c = healthyCluster(T0, 1);
  const h = new Harness([c], config);
  for (let s = 1; s <= 8; s += 1) c.beat('w1', T0 + s * 1000);
  h.eval(T0 + 8000);
  const saved = serializeEngineState(h.state);

  const fresh = new TestCluster();
  fresh.candidate(1, 'm1', T0 + 60_000, 1);
  fresh.master('m1', T0 + 60_000, 1);
  fresh.worker('w1', T0 + 60_000);
  fresh.synced(T0 + 60_000);
  const h2 = new Harness([fresh], config, { startedLate: true });
  h2.state = unwatched(restoreEngineState(saved));
  h2.eval(T0 + 60_500);
  fresh.beat('w1', T0 + 61_000);
  h2.eval(T0 + 61_000);
  t.deepEqual(h2.state.memory.get('crawler')?.beats.get('w1'), { last: T0 + 61_000, intervals: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000] });
});

test('kept clocks survive serialization, and a malformed one is refused', (t) => {
  const { c, h } = firingBoth();
  blind(h, c, T0 + 20_500, T0 + 22_000);
  h.eval(T0 + 23_000);
  const text = serializeEngineState(h.state);
  const restored = restoreEngineState(text);
  t.is(serializeEngineState(restored), text);
  t.deepEqual(restored.memory.get('crawler')?.keptBeats.get('w2'), { at: T0 + 2000, from: T0 + 1000 });
  t.deepEqual(restored.memory.get('crawler')?.keptStalls.get('t1'), { at: T0, from: T0 + 1000 });
  const bad = text.replace('"keptBeats":[["w2",{"at"', '"keptBeats":[["w2",{"at":"soon","x"');
  t.throws(() => restoreEngineState(bad), { message: /malformed kept clocks/ });
});
