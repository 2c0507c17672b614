/** MasterFlapping: at least `changes` master changes (a MasterElected with a new epoch) within `window`. */
import { condition, human, type ZkRule } from './types.ts';

export const masterFlapping: ZkRule<'MasterFlapping'> = ({ model, config, memory, now }) => {
  const recent = memory.masterChanges.filter((t) => t <= now && now - t < config.window);
  if (recent.length < config.changes) return [];
  return [
    condition('MasterFlapping', model.name, config.severity, {}, {
      summary: `The master of ${model.name} keeps changing`,
      description: `${recent.length} master changes within ${human(config.window)} (threshold ${config.changes}).`,
      threshold: String(config.changes),
      window_ms: String(config.window),
    }),
  ];
};
