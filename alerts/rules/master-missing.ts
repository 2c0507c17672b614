/** MasterMissing: R/master does not exist. */
import { condition, type ZkRule } from './types.ts';

export const masterMissing: ZkRule<'MasterMissing'> = ({ model, config }) => {
  if (model.master !== null) return [];
  return [
    condition('MasterMissing', model.name, config.severity, {}, {
      summary: `No active master in ${model.name}`,
      description: `${model.root}/master does not exist: no process holds the master role.`,
      candidates: String(model.candidates.size),
    }),
  ];
};
