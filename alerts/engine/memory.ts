/**
 * What the rules remember between evaluations, per cluster: master changes (MasterFlapping),
 * inter-beat intervals (HeartbeatStale's phi mode), when each task's `done` last moved
 * (ProgressStalled) and which workers crashed (WorkerLost, so that a restart of the collector does
 * not forget them). Updated by `observe`, a pure function of (memory, event, now) called for every
 * domain event; times come from the events (observation time), never from a clock.
 */
import { Map as IMap } from 'immutable';
import type { DomainEvent } from '../../collector/model/domain-events.ts';
import type { ClusterModel } from '../../collector/model/types.ts';

/** inter-beat intervals kept per worker for the phi detector */
export const MAX_INTERVALS = 32;
/** master change times kept per cluster (far more than any sensible `changes` threshold) */
export const MAX_MASTER_CHANGES = 64;

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
   * find every worker "stale".
   */
  sightSince: number | null;
}

export function emptyMemory(): ClusterMemory {
  return { lastEpoch: null, candidateSeen: false, masterChanges: [], beats: IMap(), progress: IMap(), lost: IMap(), blind: true, sightSince: null };
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
  };
}

/** The earliest time an age or a stall may be counted from: not before sight was regained. */
export function sightedSince(memory: ClusterMemory, time: number): number {
  return memory.sightSince === null ? time : Math.max(time, memory.sightSince);
}

/** Note whether the cluster is blind at this evaluation; regaining sight starts a new `sightSince`. */
export function noteSight(memory: ClusterMemory, blind: boolean, now: number): ClusterMemory {
  if (blind) return memory.blind ? memory : memoryWith(memory, { blind: true });
  return memory.blind ? memoryWith(memory, { blind: false, sightSince: now }) : memory;
}

const NO_INTERVALS: readonly number[] = Object.freeze([]);

/** `[...list, value].slice(-max)` in one allocation (this runs on every heartbeat). */
function appendCapped(list: readonly number[], value: number, max: number): number[] {
  const keep = Math.min(list.length, max - 1);
  const out = new Array<number>(keep + 1);
  const from = list.length - keep;
  for (let i = 0; i < keep; i++) out[i] = list[from + i]!;
  out[keep] = value;
  return out;
}

/**
 * Fold one domain event into its cluster's memory. `keepIntervals`: whether a HeartbeatSeen is
 * remembered (only HeartbeatStale's phi mode reads beat intervals; in age mode a beat changes nothing
 * here, which spares two map updates per heartbeat).
 */
export function observeEvent(memory: ClusterMemory, event: DomainEvent, now: number, keepIntervals: boolean): ClusterMemory {
  const time = Number.isFinite(event.time) ? event.time : now;
  switch (event.type) {
    case 'MasterElected': {
      if (memory.lastEpoch === event.epoch) return memory;
      const changes =
        memory.lastEpoch === null ? memory.masterChanges : [...memory.masterChanges, time].slice(-MAX_MASTER_CHANGES);
      return memoryWith(memory, { lastEpoch: event.epoch, masterChanges: changes });
    }
    case 'CandidateJoined':
      return memory.candidateSeen ? memory : memoryWith(memory, { candidateSeen: true });
    case 'WorkerJoined':
      return memoryWith(memory, { beats: memory.beats.delete(event.worker), lost: memory.lost.delete(event.worker) });
    case 'WorkerLeft':
      return memoryWith(memory, {
        beats: memory.beats.delete(event.worker),
        lost: event.reason === 'crash' ? memory.lost.set(event.worker, time) : memory.lost.delete(event.worker),
      });
    case 'HeartbeatSeen': {
      if (!keepIntervals) return memory;
      const previous = memory.beats.get(event.worker);
      let intervals = previous?.intervals ?? NO_INTERVALS;
      // A beat found by a resync may follow beats we never saw: that gap is not an interval.
      if (previous !== undefined && event.afterBlind !== true && event.beat > previous.last) {
        intervals = appendCapped(intervals, event.beat - previous.last, MAX_INTERVALS);
      }
      return memoryWith(memory, { beats: memory.beats.set(event.worker, { last: event.beat, intervals }) });
    }
    case 'ProgressUpdated': {
      const previous = memory.progress.get(event.task);
      if (previous !== undefined && previous.done === event.done) return memory;
      return memoryWith(memory, { progress: memory.progress.set(event.task, { done: event.done, since: time }) });
    }
    case 'TaskFinished':
      return memoryWith(memory, { progress: memory.progress.delete(event.task) });
    default:
      return memory;
  }
}

export interface ReconcileLimits {
  /** MasterFlapping's window, ms */
  flappingWindow: number;
  /** WorkerLost's resolveAfter, ms */
  resolveAfter: number;
}

/**
 * Bring a cluster's memory in line with its (synced, not blind) model before the rules read it:
 * running tasks the memory never saw move start their stall clock now, entries of tasks that no
 * longer run and of workers that are back are dropped, and old master changes and crashes expire.
 */
export function reconcileMemory(memory: ClusterMemory, model: ClusterModel, limits: ReconcileLimits, now: number): ClusterMemory {
  // This runs at every evaluation: each collection is rebuilt only when something in it changes.
  let progress = memory.progress;
  // only unfinished tasks can be running (the model keeps finished ones too, maybe thousands)
  for (const task of model.openTasks.values()) {
    if (task.state === 'running' && task.progress !== null && !progress.has(task.id)) {
      progress = progress.set(task.id, { done: task.progress.done, since: now });
    }
  }
  const stillRunning = (_: ProgressMemory, id: string) => model.tasks.get(id)?.state === 'running';
  if (!progress.every(stillRunning)) progress = progress.filter(stillRunning);
  const keepLost = (leftAt: number, id: string) => now - leftAt < limits.resolveAfter && model.workers.get(id)?.up !== true;
  const lost = memory.lost.every(keepLost) ? memory.lost : memory.lost.filter(keepLost);
  const recent = (t: number) => now - t < limits.flappingWindow;
  const masterChanges = memory.masterChanges.every(recent) ? memory.masterChanges : memory.masterChanges.filter(recent);
  const same = progress === memory.progress && lost === memory.lost && masterChanges === memory.masterChanges;
  return same ? memory : memoryWith(memory, { progress, lost, masterChanges });
}
