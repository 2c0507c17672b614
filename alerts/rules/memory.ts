/**
 * The rule memory as the rules read it, per cluster: its shape (`ClusterMemory`), the empty one, the
 * copy-with and `sightedSince`, the one way a rule counts an age or a stall. The engine updates it
 * (`../engine/memory.ts`: observe events, reconcile with the model, regain sight); the rules only read
 * it. It lives with the rules so that imports run one way, engine → rules.
 */
import { Map as IMap } from 'immutable';

export interface BeatMemory {
  /** the last beat time (the worker znode's mtime) */
  last: number;
  /** the most recent intervals between consecutive beats, ms, oldest first */
  intervals: readonly number[];
}

export interface ProgressMemory {
  done: number;
  /** when `done` was last seen to change, observation time */
  since: number;
}

/**
 * A sight clock a blind period did not restart: kept for a subject whose alert was firing when sight
 * was lost, as long as the fact the alert rests on is unchanged.
 */
export interface KeptClock {
  /** that fact: the worker's last beat (HeartbeatStale), when the task's `done` last moved (ProgressStalled) */
  at: number;
  /** the sight start it goes on counting from (null: from `at` itself) */
  from: number | null;
}

/** The first holder of a lock as the memory first saw it (LockHeldTooLong): kept across a collector restart. */
export interface LockHoldMemory {
  /** the holder's contender node name */
  node: string;
  /** when it began to hold: the model's heldSince when the memory first saw this holder */
  since: number;
}

/** What the memory last saw of a configuration key (ConfigChanged): never the data, only its fingerprint. */
export interface ConfigKeyMemory {
  /** stat.version; -1 once the key is gone */
  version: number;
  bytes: number;
  digest: string | null;
  /** the key's mtime in the model (a delete and re-create at the same version still differs here) */
  changedAt: number;
  /** the per-field digests of keys that opt in to a diff */
  fields?: Readonly<Record<string, string>>;
  /** the current notice: when the engine saw the change (evaluation time); null when there is none */
  noticeAt: number | null;
  change?: 'created' | 'changed' | 'deleted';
  /** the top-level field names whose values changed, when the key opts in to a diff */
  changedFields?: readonly string[];
}

export interface ClusterMemory {
  /** the epoch of the last master seen, kept across MasterLost; null before the first one */
  lastEpoch: string | null;
  /** a candidate (R/election/n_*) was seen; with lastEpoch, says the cluster has a master role at all (MasterMissing) */
  candidateSeen: boolean;
  /** times of MasterElected with a new epoch (not counting the first master ever seen) */
  masterChanges: readonly number[];
  beats: IMap<string, BeatMemory>;
  progress: IMap<string, ProgressMemory>;
  /** crashed workers (WorkerLeft reason crash) → when they left; cleared when they join again */
  lost: IMap<string, number>;
  /** the cluster was blind at the last evaluation (never synced, disconnected or resyncing) */
  blind: boolean;
  /**
   * when the collector last regained sight of the cluster (the first evaluation after a blind period),
   * null before the first. Ages and stalls are not counted across a blind period: nobody could beat
   * or report progress through an outage the collector was blind to, and a resync after it must not
   * find every worker "stale". Not for what was already firing when sight was lost: see `keptBeats`.
   */
  sightSince: number | null;
  /**
   * Workers whose HeartbeatStale was firing when sight was lost → their kept clock. A blind period
   * must not resolve what it could not see change: while the worker's last beat is still `at`, its age
   * goes on counting from `from`, not from `sightSince` (the alert stays firing, same startsAt).
   */
  keptBeats: IMap<string, KeptClock>;
  /** The same for tasks whose ProgressStalled was firing (`at` = their progress `since`). */
  keptStalls: IMap<string, KeptClock>;
  /** lock → its first holder as first seen (LockHeldTooLong; only while that rule runs for the cluster) */
  lockHolds: IMap<string, LockHoldMemory>;
  /** configuration key → what was last seen of it (ConfigChanged; only while that rule runs) */
  configSeen: IMap<string, ConfigKeyMemory>;
  /** the keys of a first sync were recorded: from then on a key that appears is a change (ConfigChanged) */
  configKnown: boolean;
}

export function emptyMemory(): ClusterMemory {
  return {
    lastEpoch: null,
    candidateSeen: false,
    masterChanges: [],
    beats: IMap(),
    progress: IMap(),
    lost: IMap(),
    blind: true,
    sightSince: null,
    keptBeats: IMap(),
    keptStalls: IMap(),
    lockHolds: IMap(),
    configSeen: IMap(),
    configKnown: false,
  };
}

/**
 * `{ ...memory, ...patch }`, spelt out: V8 builds an object literal many times faster than it runs a
 * spread, and this runs for every domain event. Lists every field of ClusterMemory, in its order.
 */
export function memoryWith(m: ClusterMemory, p: Partial<ClusterMemory>): ClusterMemory {
  return {
    lastEpoch: p.lastEpoch === undefined ? m.lastEpoch : p.lastEpoch,
    candidateSeen: p.candidateSeen === undefined ? m.candidateSeen : p.candidateSeen,
    masterChanges: p.masterChanges === undefined ? m.masterChanges : p.masterChanges,
    beats: p.beats === undefined ? m.beats : p.beats,
    progress: p.progress === undefined ? m.progress : p.progress,
    lost: p.lost === undefined ? m.lost : p.lost,
    blind: p.blind === undefined ? m.blind : p.blind,
    sightSince: p.sightSince === undefined ? m.sightSince : p.sightSince,
    keptBeats: p.keptBeats === undefined ? m.keptBeats : p.keptBeats,
    keptStalls: p.keptStalls === undefined ? m.keptStalls : p.keptStalls,
    lockHolds: p.lockHolds === undefined ? m.lockHolds : p.lockHolds,
    configSeen: p.configSeen === undefined ? m.configSeen : p.configSeen,
    configKnown: p.configKnown === undefined ? m.configKnown : p.configKnown,
  };
}

/**
 * The earliest time an age or a stall whose fact dates from `time` may be counted from: not before
 * sight was regained, unless the subject kept its clock through the blind period (`kept`, looked up
 * in keptBeats / keptStalls) and its fact is still the one it was kept with.
 */
export function sightedSince(memory: ClusterMemory, time: number, kept?: KeptClock): number {
  const from = kept !== undefined && kept.at === time ? kept.from : memory.sightSince;
  return from === null ? time : Math.max(time, from);
}
