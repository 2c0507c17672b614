/**
 * The memory of the lock and configuration rules (docs/contract.md §9), brought in line with the model at
 * every evaluation of a synced, sighted cluster, like `reconcileMemory`:
 *
 * - `lockHolds`: each lock's first holder and when it began to hold, as first seen. The model's `heldSince`
 *   of a waiter that took over is when the model saw it happen, which a restarted collector cannot know
 *   (ZooKeeper keeps only the node's ctime): the persisted memory keeps it, so LockHeldTooLong does not
 *   restart its clock with the collector.
 * - `configSeen`: each key's version, size, digest and mtime, and the current notice (ConfigChanged).
 *   The keys of the first sync are recorded silently (`configKnown`); after that a key that appears, changes
 *   or goes is a notice from the evaluation that saw it, for `keep` ms. A fresh memory's first evaluation
 *   (the engine starts after the watch's first sync) notices the keys the model saw change since that sync. A restored memory notices what
 *   changed while the collector was down.
 *
 * Only kept for the rules that run: a cluster whose LockHeldTooLong or ConfigChanged is off (ConfigChanged
 * is, by default) keeps nothing here. Pure; time is `now`.
 */
import { Map as IMap } from 'immutable';
import type { ClusterModel, ConfigState } from '../../collector/model/types.ts';
import { memoryWith, type ClusterMemory, type ConfigKeyMemory, type LockHoldMemory } from '../rules/memory.ts';

export interface RecipeTracking {
  /** LockHeldTooLong runs for the cluster: keep each lock's first holder */
  lockHolds: boolean;
  /** ConfigChanged runs for the cluster: its `keep`, ms; null when it does not */
  configKeep: number | null;
}

export function reconcileRecipes(memory: ClusterMemory, model: ClusterModel, tracking: RecipeTracking, now: number): ClusterMemory {
  const lockHolds = tracking.lockHolds ? reconcileLockHolds(memory.lockHolds, model, now) : memory.lockHolds.size > 0 ? IMap<string, LockHoldMemory>() : memory.lockHolds;
  let configSeen = memory.configSeen;
  let configKnown = memory.configKnown;
  if (tracking.configKeep === null) {
    if (configSeen.size > 0) configSeen = IMap();
    configKnown = false;
  } else {
    configSeen = reconcileConfig(configSeen, configKnown, model, tracking.configKeep, now);
    configKnown = true;
  }
  return lockHolds === memory.lockHolds && configSeen === memory.configSeen && configKnown === memory.configKnown
    ? memory
    : memoryWith(memory, { lockHolds, configSeen, configKnown });
}

function reconcileLockHolds(held: IMap<string, LockHoldMemory>, model: ClusterModel, now: number): IMap<string, LockHoldMemory> {
  let out = held;
  for (const [lock, state] of model.locks) {
    const node = state.holders[0];
    if (node === undefined || out.get(lock)?.node === node) continue;
    out = out.set(lock, { node, since: state.heldSince ?? state.contenders.get(node)?.ctime ?? now });
  }
  const stillHeld = (h: LockHoldMemory, lock: string) => model.locks.get(lock)?.holders[0] === h.node;
  return out.every(stillHeld) ? out : out.filter(stillHeld);
}

function fingerprintOf(c: ConfigState): Omit<ConfigKeyMemory, 'noticeAt'> {
  return { version: c.version, bytes: c.bytes, digest: c.digest, changedAt: c.changedAt, ...(c.fields ? { fields: c.fields } : {}) };
}

/** The top-level field names whose digests differ (or that only one side has), sorted. */
export function changedFieldNames(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => !Object.hasOwn(before, n) || !Object.hasOwn(after, n) || before[n] !== after[n]).sort();
}

function reconcileConfig(seen: IMap<string, ConfigKeyMemory>, known: boolean, model: ClusterModel, keep: number, now: number): IMap<string, ConfigKeyMemory> {
  let out = seen;
  for (const [key, c] of model.config) {
    const old = out.get(key);
    if (old !== undefined && old.version === c.version && old.digest === c.digest && old.changedAt === c.changedAt) {
      // the same data: only a notice that has run its course ends
      if (old.noticeAt !== null && now - old.noticeAt >= keep) out = out.set(key, { ...fingerprintOf(c), noticeAt: null });
      continue;
    }
    if (!known && c.changedSinceSync !== true) {
      // found on the first sync: what it was before nobody here saw, so it is no change (a version the model
      // saw arrive after its sync is one, also when the engine started later: its state loads after the sync)
      out = out.set(key, { ...fingerprintOf(c), noticeAt: null });
      continue;
    }
    const created = old === undefined || old.version === -1;
    const fields = !created && old.fields !== undefined && c.fields !== undefined ? changedFieldNames(old.fields, c.fields) : undefined;
    out = out.set(key, { ...fingerprintOf(c), noticeAt: now, change: created ? 'created' : 'changed', ...(fields ? { changedFields: fields } : {}) });
  }
  for (const [key, old] of out) {
    if (model.config.has(key)) continue;
    if (old.version !== -1) {
      out = out.set(key, { version: -1, bytes: 0, digest: null, changedAt: old.changedAt, noticeAt: now, change: 'deleted' });
    } else if (old.noticeAt === null || now - old.noticeAt >= keep) {
      out = out.delete(key);
    }
  }
  return out;
}
