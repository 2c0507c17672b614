/**
 * LockHeldTooLong: a lock's first holder has held it longer than `after` (docs/contract.md §9). The usual
 * cause is a hung process: its session is alive, so ZooKeeper never frees the lock. One alert per lock
 * (label `lock`). The hold start comes from the rule memory (kept across a collector restart, see
 * ../engine/memory-recipes.ts), else the model; the condition counts as active from `since + after`, so a
 * restarted collector neither restarts the clock nor fires anew. A hold is a fact of ZooKeeper, not of the
 * collector's sight: time spent blind counts (the same node still holding after the resync held throughout).
 */
import { firstHolder, holderText, ownerText } from './lock-holder.ts';
import { condition, human, iso, type Condition, type ZkRule } from './types.ts';

export const lockHeldTooLong: ZkRule<'LockHeldTooLong'> = ({ model, config, memory, now, addressOf }) => {
  if (model.locks.size === 0) return [];
  const out: Condition[] = [];
  for (const lock of model.locks.values()) {
    const h = firstHolder(lock, memory);
    if (h === null || now - h.since <= config.after) continue;
    const address = addressOf?.(h.contender.session) ?? null;
    const c = condition('LockHeldTooLong', model.name, config.severity, {}, {
      summary: `Lock ${lock.lock} of ${model.name} held for more than ${human(config.after)}`,
      description:
        `${holderText(h)} has held ${lock.lock} since ${iso(h.since)}; ${h.waiters} waiting. A holder that hangs keeps its ` +
        `session alive, so ZooKeeper never frees the lock: check that process${address === null ? '' : ` at ${address}`}.`,
      holder: h.contender.node,
      owner: ownerText(h.contender),
      session: h.contender.session,
      held_since: iso(h.since),
      waiters: String(h.waiters),
      ...(address === null ? {} : { client_address: address }),
    });
    out.push({ ...c, labels: { ...c.labels, lock: lock.lock }, activeSince: h.since + config.after, basis: h.since });
  }
  return out;
};
