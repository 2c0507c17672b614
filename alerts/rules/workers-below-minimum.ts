/** WorkersBelowMinimum: fewer workers up than the cluster's `min` (0 = off). */
import { condition, type ZkRule } from './types.ts';

export const workersBelowMinimum: ZkRule<'WorkersBelowMinimum'> = ({ model, config }) => {
  if (config.min <= 0) return [];
  let up = 0;
  for (const w of model.workers.values()) if (w.up) up += 1;
  if (up >= config.min) return [];
  return [
    condition('WorkersBelowMinimum', model.name, config.severity, {}, {
      summary: `${model.name} has fewer workers than its minimum`,
      description: `${up} worker(s) up, the minimum is ${config.min}.`,
      workers_up: String(up),
      min: String(config.min),
    }),
  ];
};
