/**
 * TaskOrphaned: an unfinished task whose newest assignment names a worker that is gone (down, or
 * never registered), and no newer assignment moved it elsewhere.
 */
import { condition, type Condition, type ZkRule } from './types.ts';

export const taskOrphaned: ZkRule<'TaskOrphaned'> = ({ model, config }) => {
  const out: Condition[] = [];
  for (const task of model.openTasks.values()) {
    if (task.worker === null) continue;
    const worker = model.workers.get(task.worker);
    if (worker?.up === true) continue;
    out.push(
      condition('TaskOrphaned', model.name, config.severity, { worker: task.worker, task: task.id }, {
        summary: `Task ${task.id} of ${model.name} is assigned to a gone worker`,
        description: `${model.root}/assign/${task.worker}/${task.id} exists but worker ${task.worker} is ${worker === undefined ? 'not registered' : 'down'}; the task was not reassigned.`,
        task_state: task.state,
      }),
    );
  }
  return out;
};
