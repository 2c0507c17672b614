/**
 * The tasks of a model that are not done or failed (the model's `openTasks`), as a list. Rules ask
 * at every evaluation: the list is made once per openTasks map (Immutable, so a map that did not
 * change is the same object) and reused until it changes.
 */
import type { ClusterModel, TaskState } from '../../collector/model/types.ts';

const byOpenTasks = new WeakMap<ClusterModel['openTasks'], readonly TaskState[]>();

export function unfinishedTasks(model: ClusterModel): readonly TaskState[] {
  const open = model.openTasks;
  let list = byOpenTasks.get(open);
  if (list === undefined) {
    list = [...open.values()];
    byOpenTasks.set(open, list);
  }
  return list;
}
