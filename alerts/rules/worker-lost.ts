/**
 * WorkerLost: a worker's node disappeared without the worker leaving on purpose (a crash).
 * Its orphaned tasks (tasks whose newest assignment R/assign/<worker>/<task> names it) are listed.
 * Resolves when the worker comes back, or `resolveAfter` after it left: by then the crash has been
 * seen and acted on (TaskOrphaned covers tasks still left behind), and a retired worker must not
 * keep a critical alert open forever. The crash time comes from the rule memory, so a collector
 * restart within resolveAfter keeps the alert.
 */
import { joinPath } from '../../contract/paths.ts';
import { condition, human, iso, type ZkRule } from './types.ts';

/** at most this many task ids in the annotation; the count is always complete */
const MAX_LISTED = 50;

export const workerLost: ZkRule<'WorkerLost'> = ({ model, config, memory, now }) => {
  const out = [];
  for (const [id, leftAt] of memory.lost) {
    if (model.workers.get(id)?.up === true || now - leftAt >= config.resolveAfter) continue;
    const orphaned = [...model.openTasks.values()]
      .filter((t) => t.worker === id)
      .map((t) => t.id)
      .sort();
    const listed = orphaned.slice(0, MAX_LISTED).join(',') + (orphaned.length > MAX_LISTED ? ',...' : '');
    const worker = model.workers.get(id);
    const host = worker?.host;
    // the node's real path in the cluster's layout (R/workers/<id> in zkpulse's, R/<service>/<id>, R/<party node>, ...)
    const node = joinPath(model.root, worker ? worker.node : model.places.member(id));
    out.push(
      condition('WorkerLost', model.name, config.severity, { worker: id }, {
        summary: `Worker ${id} of ${model.name} is gone`,
        description:
          `The node ${node}${host ? ` (host ${host})` : ''} disappeared at ${iso(leftAt)} without leaving on purpose; ` +
          `${orphaned.length} task(s) orphaned. Resolves when it comes back or after ${human(config.resolveAfter)}.`,
        left_at: iso(leftAt),
        orphaned_count: String(orphaned.length),
        orphaned_tasks: listed,
      }),
    );
  }
  return out;
};
