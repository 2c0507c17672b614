/** The demo's pure plans, tested on their own (no ZooKeeper needed): the master's assignments and the chaos. */
import test from 'ava';
import fc from 'fast-check';
import { DEFAULT_RULES } from '../../alerts/config/defaults.ts';
import { planAssignments, type AssignmentAction, type AssignmentView } from '../../demo/assignment-plan.ts';
import { chaosPlan, DEMO_CHAOS, defaultMaxDown, type ChaosEvent, type ChaosOptions } from '../../demo/chaos-plan.ts';
import { seededRandom } from '../../replay/seeded-random.ts';

const first = (): number => 0;

function apply(view: AssignmentView, actions: AssignmentAction[]): Map<string, string[]> {
  const out = new Map([...view.assignments].map(([w, ts]) => [w, [...ts]]));
  const without = (w: string, t: string) => out.set(w, (out.get(w) ?? []).filter((x) => x !== t));
  for (const a of actions) {
    if (a.kind === 'assign') out.set(a.to, [...(out.get(a.to) ?? []), a.task]);
    else if (a.kind === 'move') {
      without(a.from, a.task);
      out.set(a.to, [...(out.get(a.to) ?? []), a.task]);
    } else if (a.kind === 'drop') without(a.from, a.task);
    else out.delete(a.worker);
  }
  return out;
}

test('unassigned tasks go to the least-loaded live workers, oldest task first', (t) => {
  const view: AssignmentView = {
    liveWorkers: ['w1', 'w2'],
    tasks: ['task-10', 'task-2', 'task-3'],
    assignments: new Map([['w1', ['task-3']]]),
  };
  t.deepEqual(planAssignments(view, first), [
    { kind: 'assign', task: 'task-2', to: 'w2' },
    { kind: 'assign', task: 'task-10', to: 'w1' },
  ]);
});

test('tasks of a worker that is gone move to a live one; leftovers are tidied', (t) => {
  const view: AssignmentView = {
    liveWorkers: ['w2'],
    tasks: ['task-1', 'task-2'],
    assignments: new Map([
      ['w1', ['task-1', 'task-9']],
      ['w2', []],
      ['w3', []],
    ]),
  };
  t.deepEqual(planAssignments(view, first), [
    { kind: 'move', task: 'task-1', from: 'w1', to: 'w2' },
    { kind: 'drop', task: 'task-9', from: 'w1' },
    { kind: 'removeDir', worker: 'w3' },
    { kind: 'assign', task: 'task-2', to: 'w2' },
  ]);
});

test('with no live worker nothing is assigned or moved', (t) => {
  const view: AssignmentView = { liveWorkers: [], tasks: ['task-1', 'task-2'], assignments: new Map([['w1', ['task-1']]]) };
  t.deepEqual(planAssignments(view, first), []);
});

test('a task under both a dead and a live worker keeps only the live assignment', (t) => {
  const view: AssignmentView = {
    liveWorkers: ['w2'],
    tasks: ['task-1'],
    assignments: new Map([
      ['w1', ['task-1']],
      ['w2', ['task-1']],
    ]),
  };
  t.deepEqual(planAssignments(view, first), [{ kind: 'drop', task: 'task-1', from: 'w1' }]);
});

test('property: after one plan every task sits under exactly one live worker', (t) => {
  const workerIds = fc.uniqueArray(fc.constantFrom<string>('w1', 'w2', 'w3', 'w4', 'w5'), { maxLength: 5 });
  const taskIds = fc.uniqueArray(fc.integer({ min: 1, max: 30 }).map((n) => `task-${n}`), { maxLength: 20 });
  t.notThrows(() =>
    fc.assert(
      fc.property(workerIds, workerIds, taskIds, fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 1 }), (live, dirs, tasks, rolls) => {
        // each existing task starts under at most one (possibly dead) worker, or nowhere
        const assignments = new Map<string, string[]>(dirs.map((w) => [w, []]));
        tasks.forEach((task, i) => {
          const w = dirs[i % (dirs.length + 1)];
          if (w !== undefined) assignments.get(w)?.push(task);
        });
        let i = 0;
        const random = () => rolls[i++ % rolls.length] as number;
        const view = { liveWorkers: live, tasks, assignments };
        const after = apply(view, planAssignments(view, random));
        if (live.length === 0) return;
        for (const task of tasks) {
          const holders = [...after].filter(([, ts]) => ts.includes(task)).map(([w]) => w);
          if (holders.length !== 1 || !live.includes(holders[0] as string)) throw new Error(`${task} under ${holders.join(',')}`);
        }
        for (const [w, ts] of after) if (!live.includes(w) && ts.length > 0) throw new Error(`dead ${w} still holds ${ts.join(',')}`);
      }),
    ),
  );
});

/** The plan's events up to `horizonMs`. */
function planUntil(opts: ChaosOptions, random: () => number, horizonMs: number): ChaosEvent[] {
  const events: ChaosEvent[] = [];
  for (const e of chaosPlan(opts, random)) {
    if (e.at > horizonMs) break;
    events.push(e);
  }
  return events;
}

interface Steady {
  maxDown: number;
  /** at most this many workers down through a crash at once: WorkerLost alerts firing together */
  maxCrashedDown: number;
  allUpShare: number;
  disruptions: number;
  failovers: number[];
  /** the longest time a worker stayed down */
  longestDownMs: number;
}

/** Folds the events: who is down when, for how long, and when the master crashed. */
function steadyState(events: readonly ChaosEvent[], horizonMs: number, workers: number): Steady {
  const down = new Map<string, { since: number; how: string }>();
  const out: Steady = { maxDown: 0, maxCrashedDown: 0, allUpShare: 0, disruptions: 0, failovers: [], longestDownMs: 0 };
  let allUpMs = 0;
  let last = 0;
  for (const e of events) {
    if (down.size === 0) allUpMs += e.at - last;
    last = e.at;
    if (e.kind === 'workerDown') {
      if (down.has(e.worker)) throw new Error(`${e.worker} down twice at ${e.at}`);
      down.set(e.worker, { since: e.at, how: e.how });
      out.disruptions += 1;
    } else if (e.kind === 'workerUp') {
      const was = down.get(e.worker);
      if (!was) throw new Error(`${e.worker} restarted at ${e.at} but was not down`);
      out.longestDownMs = Math.max(out.longestDownMs, e.at - was.since);
      down.delete(e.worker);
    } else if (e.kind === 'masterCrash') out.failovers.push(e.at);
    out.maxDown = Math.max(out.maxDown, down.size);
    out.maxCrashedDown = Math.max(out.maxCrashedDown, [...down.values()].filter((d) => d.how === 'crash').length);
  }
  if (down.size === 0) allUpMs += horizonMs - last;
  out.allUpShare = allUpMs / horizonMs;
  if (workers === 0) out.allUpShare = 1;
  return out;
}

const demoDefaults = (workers: number): ChaosOptions => ({
  workers: Array.from({ length: workers }, (_, i) => `worker-${i + 1}`),
  ...DEMO_CHAOS,
  maxDown: defaultMaxDown(workers),
});

test('chaos with the demo defaults: almost all workers up, each back within seconds, a failover now and then but never flapping', (t) => {
  const hours2 = 2 * 3_600_000;
  const { changes, window } = DEFAULT_RULES.MasterFlapping;
  for (let seed = 1; seed <= 20; seed++) {
    const events = planUntil(demoDefaults(8), seededRandom(seed), hours2);
    const s = steadyState(events, hours2, 8);
    const at = `seed ${seed}`;
    t.true(s.maxDown <= 2, `${at}: at most 2 of 8 workers down at once (${s.maxDown})`);
    t.true(s.maxCrashedDown <= 2, `${at}: at most 2 WorkerLost alerts at once`);
    t.true(s.allUpShare >= 0.8, `${at}: all 8 up ${(s.allUpShare * 100).toFixed(0)} % of the time`);
    t.true(s.longestDownMs <= 1.25 * DEMO_CHAOS.restartDelayMs, `${at}: back within ${s.longestDownMs} ms`);
    // about one disruption every 30 s, one failover every 3 minutes
    t.true(s.disruptions >= 150 && s.disruptions <= 300, `${at}: ${s.disruptions} worker disruptions in 2 h`);
    t.true(s.failovers.length >= 30 && s.failovers.length <= 50, `${at}: ${s.failovers.length} failovers in 2 h`);
    t.true((s.failovers[0] ?? Infinity) <= 70_000, `${at}: the first failover within ~a minute`);
    // MasterFlapping: `changes` master changes within `window`; the failovers never come that close together
    for (let i = 0; i + changes - 1 < s.failovers.length; i++) {
      const span = (s.failovers[i + changes - 1] as number) - (s.failovers[i] as number);
      if (span < window) t.fail(`${at}: ${changes} failovers within ${span} ms`);
    }
    // both kinds of going down happen
    t.true(events.some((e) => e.kind === 'workerDown' && e.how === 'crash'));
    t.true(events.some((e) => e.kind === 'workerDown' && e.how === 'leave'));
  }
});

test('property: chaos events come in time order, a worker goes down only while up and comes back, never more than maxDown down', (t) => {
  const options = fc.record({
    workers: fc.integer({ min: 1, max: 12 }),
    // 0 = off; otherwise from once a second (thousands of events an hour)
    workerEveryMs: fc.oneof(fc.constant(0), fc.integer({ min: 1000, max: 60_000 })),
    masterEveryMs: fc.oneof(fc.constant(0), fc.integer({ min: 1000, max: 300_000 })),
    restartDelayMs: fc.integer({ min: 0, max: 30_000 }),
    leaveShare: fc.double({ min: 0, max: 1, noNaN: true }),
    maxDownShare: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  t.notThrows(() =>
    fc.assert(
      fc.property(options, fc.integer(), (o, seed) => {
        const maxDown = Math.max(1, Math.round(o.maxDownShare * o.workers));
        const opts: ChaosOptions = { ...demoDefaults(o.workers), ...o, workers: demoDefaults(o.workers).workers, maxDown };
        const horizon = 3_600_000;
        const events = planUntil(opts, seededRandom(seed), horizon);
        events.forEach((e, i) => {
          if (i > 0 && e.at < (events[i - 1] as ChaosEvent).at) throw new Error(`out of order at ${i}`);
        });
        const s = steadyState(events, horizon, o.workers); // throws on a double down or a restart of a worker that is up
        if (s.maxDown > maxDown) throw new Error(`${s.maxDown} down, max ${maxDown}`);
        if (o.workerEveryMs === 0 && s.disruptions > 0) throw new Error('disruptions while off');
        if (o.masterEveryMs === 0 && s.failovers.length > 0) throw new Error('master crashes while off');
        let crashed = 0;
        for (const e of events) {
          if (e.kind === 'masterCrash') crashed += 1;
          if (e.kind === 'candidateUp' && --crashed < 0) throw new Error('a candidate restarted that never crashed');
        }
      }),
    ),
  );
});
