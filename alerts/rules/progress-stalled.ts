/**
 * ProgressStalled: a running task's `done` has not changed for `after` while its worker is up.
 * The memory keeps when `done` last moved (observation time); a worker that is down is WorkerLost's
 * business, not a stall.
 */
import { condition, human, iso, type Condition, type ZkRule } from './types.ts';
import { sightedSince } from './memory.ts';

export const progressStalled: ZkRule<'ProgressStalled'> = ({ model, config, memory, now }) => {
  const out: Condition[] = [];
  for (const task of model.openTasks.values()) {
    if (task.state !== 'running' || task.progress === null) continue;
    const worker = task.progress.worker ?? task.worker;
    if (worker === null || model.workers.get(worker)?.up !== true) continue;
    const seen = memory.progress.get(task.id);
    // not counted across a blind period, unless it was firing when sight was lost and `done` has not moved since (keptStalls)
    const kept = memory.keptStalls.size > 0 ? memory.keptStalls.get(task.id) : undefined;
    if (seen === undefined || now - sightedSince(memory, seen.since, kept) < config.after) continue;
    out.push({
      ...condition('ProgressStalled', model.name, config.severity, { worker, task: task.id }, {
        summary: `Task ${task.id} of ${model.name} makes no progress`,
        description: `Task ${task.id} on worker ${worker} has stayed at ${seen.done}/${task.progress.total} since ${iso(seen.since)} (more than ${human(config.after)}).`,
        done: String(seen.done),
        total: String(task.progress.total),
        since: iso(seen.since),
      }),
      basis: seen.since,
    });
  }
  return out;
};
