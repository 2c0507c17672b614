/**
 * LockContention: at least `waiters` contenders wait on one lock (docs/contract.md §9); with the rule's
 * `for` (1 m) a queue that drains quickly never fires. One alert per lock (label `lock`), the holder and
 * the number waiting in the annotations.
 */
import { firstHolder, holderText, ownerText } from './lock-holder.ts';
import { condition, iso, type Condition, type ZkRule } from './types.ts';

export const lockContention: ZkRule<'LockContention'> = ({ model, config, memory }) => {
  if (model.locks.size === 0) return [];
  const out: Condition[] = [];
  for (const lock of model.locks.values()) {
    const h = firstHolder(lock, memory);
    if (h === null || h.waiters < config.waiters) continue;
    const c = condition('LockContention', model.name, config.severity, {}, {
      summary: `${h.waiters} contenders wait on lock ${lock.lock} of ${model.name}`,
      description: `${h.waiters} contenders wait on ${lock.lock} (threshold ${config.waiters}); it is held by ${holderText(h)} since ${iso(h.since)}.`,
      holder: h.contender.node,
      owner: ownerText(h.contender),
      session: h.contender.session,
      waiters: String(h.waiters),
      threshold: String(config.waiters),
    });
    out.push({ ...c, labels: { ...c.labels, lock: lock.lock } });
  }
  return out;
};
