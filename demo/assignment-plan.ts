/**
 * What the master does to the tree, as a pure function of what it read: move assignments of
 * workers that are gone to live ones, give unassigned tasks to the least-loaded live worker,
 * and tidy what dead workers left behind.
 */
import { taskNumber } from './task-number.ts';

export type AssignmentAction =
  | { kind: 'assign'; task: string; to: string }
  | { kind: 'move'; task: string; from: string; to: string }
  | { kind: 'drop'; task: string; from: string }
  | { kind: 'removeDir'; worker: string };

export interface AssignmentView {
  liveWorkers: readonly string[];
  tasks: readonly string[];
  /** Children of R/assign and their children: worker → tasks. */
  assignments: ReadonlyMap<string, readonly string[]>;
}

export function planAssignments(view: AssignmentView, random: () => number): AssignmentAction[] {
  const live = new Set(view.liveWorkers);
  const tasks = new Set(view.tasks);
  const load = new Map<string, number>([...live].map((w) => [w, 0]));
  const assigned = new Set<string>();
  const actions: AssignmentAction[] = [];

  for (const [worker, list] of view.assignments) {
    if (live.has(worker)) {
      load.set(worker, list.length);
      for (const t of list) assigned.add(t);
    }
  }

  const pickWorker = (): string | undefined => {
    let best: string[] = [];
    let min = Infinity;
    for (const [w, n] of load) {
      if (n < min) [best, min] = [[w], n];
      else if (n === min) best.push(w);
    }
    if (best.length === 0) return undefined;
    best.sort();
    const choice = best[Math.min(best.length - 1, Math.floor(random() * best.length))];
    if (choice !== undefined) load.set(choice, min + 1);
    return choice;
  };

  for (const [worker, list] of [...view.assignments].sort(([a], [b]) => a.localeCompare(b))) {
    if (live.has(worker)) continue;
    for (const task of [...list].sort(byTaskOrder)) {
      if (!tasks.has(task) || assigned.has(task)) {
        actions.push({ kind: 'drop', task, from: worker });
        continue;
      }
      const to = pickWorker();
      if (to === undefined) continue; // nobody to take it yet; leave it where it is
      actions.push({ kind: 'move', task, from: worker, to });
      assigned.add(task);
    }
    if (list.length === 0) actions.push({ kind: 'removeDir', worker });
  }

  for (const task of [...tasks].sort(byTaskOrder)) {
    if (assigned.has(task) || isStaleAssigned(task, view, live)) continue;
    const to = pickWorker();
    if (to === undefined) break;
    actions.push({ kind: 'assign', task, to });
    assigned.add(task);
  }
  return actions;
}

/** A task still sitting under a dead worker (no live worker to move it to) is not "unassigned". */
function isStaleAssigned(task: string, view: AssignmentView, live: ReadonlySet<string>): boolean {
  for (const [w, list] of view.assignments) if (!live.has(w) && list.includes(task)) return true;
  return false;
}

function byTaskOrder(a: string, b: string): number {
  const na = taskNumber(a);
  const nb = taskNumber(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a.localeCompare(b);
}
