/**
 * SequenceNearExhaustion: a watched parent's cversion, the number ZooKeeper gives its next sequential child,
 * is past `ratio` (0.9) × 2^31 (docs/contract.md §9). The counter is a signed 32-bit number: at 2^31 it wraps
 * to negative, the children's names go negative and every recipe that orders by sequence (election, locks,
 * queues) breaks. One alert per parent (label `parent`: its path relative to the cluster root; neither a lock
 * nor a config key, so it has a label of its own). Every layout: the watch layer reports any watched container
 * from 2^30 up (model.sequences).
 */
import { SEQUENCE_LIMIT } from '../../contract/sequence-floor.ts';
import { joinPath } from '../../contract/paths.ts';
import { condition, type Condition, type ZkRule } from './types.ts';

export const sequenceNearExhaustion: ZkRule<'SequenceNearExhaustion'> = ({ model, config }) => {
  if (model.sequences.size === 0) return [];
  const threshold = config.ratio * SEQUENCE_LIMIT;
  const out: Condition[] = [];
  for (const [parent, cversion] of model.sequences) {
    // a negative cversion has wrapped already: past any threshold
    const wrapped = cversion < 0;
    if (!wrapped && cversion <= threshold) continue;
    const path = joinPath(model.root, parent);
    const used = wrapped ? 'has wrapped past 2^31' : `is at ${cversion}, ${((cversion / SEQUENCE_LIMIT) * 100).toFixed(1)}% of 2^31`;
    const c = condition('SequenceNearExhaustion', model.name, config.severity, {}, {
      summary: `The sequence counter of ${path} in ${model.name} is near 2^31`,
      description:
        `The child counter (cversion) of ${path} ${used}. ZooKeeper names each sequential child after it, as a signed 32-bit ` +
        `number: at 2^31 (${SEQUENCE_LIMIT}) the names go negative and ordering by sequence (elections, locks, queues) breaks. ` +
        `Move the recipe to a new parent (or delete and re-create this one while nothing uses it): a new parent starts at 0.`,
      cversion: String(cversion),
      limit: String(SEQUENCE_LIMIT),
      remaining: String(wrapped ? 0 : SEQUENCE_LIMIT - cversion),
      ratio: String(config.ratio),
    });
    out.push({ ...c, labels: { ...c.labels, parent } });
  }
  return out;
};
