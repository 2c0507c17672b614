/**
 * MasterMissing: the layout's leader node (R/master in the zkpulse layout; none: no candidate) does not exist, in a cluster that has a master role at all: one that has
 * shown a master or a candidate since the collector first watched it (kept in the rule memory, which
 * survives restarts). A cluster of workers only never gets it; `requireSeen: false` makes R/master
 * required from the start (e.g. to catch a master that was already down when watching began).
 */
import { joinPath } from '../../contract/paths.ts';
import { condition, type ZkRule } from './types.ts';

export const masterMissing: ZkRule<'MasterMissing'> = ({ model, config, memory }) => {
  if (model.master !== null) return [];
  const hasMasterRole = memory.lastEpoch !== null || memory.candidateSeen || model.candidates.size > 0;
  if (config.requireSeen && !hasMasterRole) return [];
  return [
    condition('MasterMissing', model.name, config.severity, {}, {
      summary: `No active master in ${model.name}`,
      description:
        model.places.leader === null
          ? `No candidate under ${model.root}: no process holds the leader role (the lowest candidate leads).`
          : `${joinPath(model.root, model.places.leader)} does not exist: no process holds the master role.`,
      candidates: String(model.candidates.size),
    }),
  ];
};
