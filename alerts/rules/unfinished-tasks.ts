/**
 * The tasks of a model that are not done or failed, in the model's order. Rules ask at every
 * evaluation, while the model keeps finished tasks as long as their nodes exist (thousands, on a
 * cluster that never deletes them): the list is worked out once per tasks map (Immutable, so a map
 * that did not change is the same object) and reused until the tasks change.
 */
import type { ClusterModel, TaskState } from '../../collector/model/types.ts';

const byTasks = new WeakMap<ClusterModel['tasks'], readonly TaskState[]>();

export function unfinishedTasks(model: ClusterModel): readonly TaskState[] {
  const tasks = model.tasks;
  let list = byTasks.get(tasks);
  if (list === undefined) {
    const out: TaskState[] = [];
    tasks.forEach((task) => {
      if (task.state !== 'done' && task.state !== 'failed') out.push(task);
    });
    list = out;
    byTasks.set(tasks, list);
  }
  return list;
}
