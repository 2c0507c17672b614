/**
 * R/tasks/<task>, R/assign/<worker>/<task> and R/status/<task>, folded into one TaskState per task.
 * Task state: pending (no assignment) → assigned → running → done / failed / interrupted.
 * A task record lives while any of its three kinds of node exists.
 */
import type { ContainerRole } from '../../contract/layout.ts';
import type { NodeEvent } from '../watch/events.ts';
import { emit, forgetValidity, modelWith, trackValidity, type Step } from './step.ts';
import type { ClusterModel, TaskAssignment, TaskState } from './types.ts';

function taskOf(model: ClusterModel, id: string): TaskState {
  return (
    model.tasks.get(id) ?? {
      id,
      data: null,
      exists: false,
      worker: null,
      progress: null,
      state: 'pending',
      assignments: [],
      statusExists: false,
    }
  );
}

/** Store a task, or drop it once none of its nodes exists any more; `openTasks` follows. */
function putTask(model: ClusterModel, task: TaskState): ClusterModel {
  const referenced = task.exists || (task.assignments?.length ?? 0) > 0 || task.statusExists === true;
  const open = referenced && task.state !== 'done' && task.state !== 'failed';
  return modelWith(model, {
    tasks: referenced ? model.tasks.set(task.id, task) : model.tasks.delete(task.id),
    openTasks: open ? model.openTasks.set(task.id, task) : model.openTasks.delete(task.id),
  });
}

/** Compare decimal zxids without BigInt: shorter (after leading zeros) is smaller. */
function compareZxid(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function taskPresent(model: ClusterModel, id: string, event: NodeEvent, step: Step): ClusterModel {
  const task = taskOf(model, id);
  if (!task.exists) emit(step, { type: 'TaskCreated', task: id });
  return putTask(model, { ...task, exists: true, data: step.layout.decode.task(event.data) });
}

export function taskGone(model: ClusterModel, id: string): ClusterModel {
  const task = model.tasks.get(id);
  if (task === undefined || !task.exists) return model;
  // Removing a task after it finished needs no second TaskFinished; removing it earlier is not a finish.
  return putTask(model, { ...task, exists: false });
}

export function assignmentPresent(
  model: ClusterModel,
  worker: string,
  id: string,
  event: NodeEvent,
  step: Step,
): ClusterModel {
  const task = taskOf(model, id);
  const current = task.assignments ?? [];
  const others = current.filter((a) => a.worker !== worker);
  const known = others.length !== current.length;
  // Oldest first, so the newest assignment names the worker whatever order the nodes were read in.
  // A known one is re-sorted too: a resync may show it deleted and re-created (a new czxid).
  const assignments: TaskAssignment[] = [...others, { worker, czxid: event.stat.czxid }].sort((a, b) =>
    compareZxid(a.czxid, b.czxid),
  );
  const newest = assignments[assignments.length - 1]?.worker ?? null;
  if (known) return putTask(model, { ...task, assignments, worker: newest });
  // Live progress decides the state; without it, a new assignment (also a retry) makes it assigned.
  const state = task.statusExists === true && task.progress !== null ? task.state : 'assigned';
  emit(step, { type: 'TaskAssigned', task: id, worker });
  return putTask(model, { ...task, assignments, worker: newest, state });
}

export function assignmentGone(model: ClusterModel, worker: string, id: string): ClusterModel {
  const task = model.tasks.get(id);
  const current = task?.assignments ?? [];
  if (task === undefined || !current.some((a) => a.worker === worker)) return model;
  const assignments = current.filter((a) => a.worker !== worker);
  const newest = assignments[assignments.length - 1]?.worker ?? null;
  const state = newest === null && task.state === 'assigned' ? 'pending' : task.state;
  return putTask(model, { ...task, assignments, worker: newest, state });
}

export function statusPresent(model: ClusterModel, id: string, event: NodeEvent, step: Step): ClusterModel {
  const path = step.layout.paths.status(id);
  const { stat } = event;
  const task = taskOf(model, id);
  const decoded = step.layout.decode.status(event.data, stat.dataLength);
  if (!decoded.ok) {
    // Still tracked (the node exists), but its numbers are unknown; the state stays as it was.
    const m = putTask(model, { ...task, statusExists: true, progress: null });
    return trackValidity(m, path, decoded.reason, step);
  }
  const s = decoded.value;
  const worker = s.worker ?? task.worker;
  const progress = {
    worker: s.worker,
    done: s.done,
    total: s.total,
    state: s.state,
    message: s.message,
    updatedAt: s.updatedAt,
    session: stat.ephemeralOwner,
  };
  emit(step, { type: 'ProgressUpdated', task: id, worker, done: s.done, total: s.total });
  if (s.state !== 'running' && task.state !== s.state) {
    emit(step, { type: 'TaskFinished', task: id, worker, outcome: s.state });
  }
  const m = putTask(model, { ...task, statusExists: true, progress, state: s.state });
  return trackValidity(m, path, null, step);
}

export function statusGone(model: ClusterModel, id: string, step: Step): ClusterModel {
  const m = forgetValidity(model, step.layout.paths.status(id));
  const task = m.tasks.get(id);
  if (task === undefined || task.statusExists !== true) return m;
  let state = task.state;
  if (state === 'running') {
    state = 'interrupted';
    emit(step, { type: 'TaskFinished', task: id, worker: task.progress?.worker ?? task.worker, outcome: 'interrupted' });
  }
  // The last progress stays: it shows where a finished or interrupted task stopped.
  return putTask(m, { ...task, statusExists: false, state });
}

/**
 * A container of task nodes was removed (R/tasks, R/assign, R/status), or of one member's assignments
 * (R/assign/<worker>: `assignee`).
 */
export function tasksContainerGone(model: ClusterModel, holds: ContainerRole, assignee: string | undefined, step: Step): ClusterModel {
  let m = model;
  for (const [id, task] of model.tasks) {
    if (holds === 'task') m = taskGone(m, id);
    else if (holds === 'status') m = statusGone(m, id, step);
    else if (holds === 'assignment') {
      for (const a of task.assignments ?? []) {
        if (assignee === undefined || a.worker === assignee) m = assignmentGone(m, a.worker, id);
      }
    }
  }
  return m;
}
