/** The demo master's assignment plan: a pure function, tested on its own (no ZooKeeper needed). */
import test from 'ava';
import fc from 'fast-check';
import { planAssignments, type AssignmentAction, type AssignmentView } from '../../demo/assignment-plan.ts';

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
